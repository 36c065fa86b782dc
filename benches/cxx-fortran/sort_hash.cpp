// C++ compute kernel, built from this one source natively (host g++ -O2) and for Eremit
// (x86_64-hermit-g++ -O2) by benches/drivers/bench_cxx_fortran.py: std::sort of N pseudo-random
// ints, then an std::unordered_map counting how often each value occurs. Both lean on
// libstdc++ (templates inlined into the program, the hash table's node allocations going
// through operator new -> malloc), so the figure shows what the C++ runtime and the
// allocator cost in Eremit, not only translated arithmetic.
//
// Usage: sort_hash [N]   (default 2,000,000)
// Prints one JSON line: {"bench": "cxx_sort_hash", "ms": ..., "sort_ms": ..., "hash_ms": ...,
// "n": N, "distinct": D, "checksum": C, "ok": true|false}; exits with 1 when a check fails.
// The checks do not trust the code under test: sortedness and the sum of the elements
// (taken before sorting) are checked on the sorted array, and the hash table's counts
// are compared with the run lengths of the sorted array, which count the same thing.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unordered_map>
#include <vector>

namespace {

// xorshift64: a fixed seed gives the same data natively and in Eremit.
struct XorShift {
    std::uint64_t s = 0x9E3779B97F4A7C15ull;
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char **argv) {
    long n = argc > 1 ? std::atol(argv[1]) : 2000000;
    if (n <= 0) {
        std::fprintf(stderr, "usage: sort_hash [N > 0]\n");
        return 2;
    }
    // Values in [0, n/4): about four occurrences per value, so the map both inserts and
    // finds existing keys.
    const std::uint32_t range = static_cast<std::uint32_t>(n / 4 + 1);
    std::vector<std::uint32_t> v(static_cast<std::size_t>(n));
    XorShift rng;
    std::uint64_t sum_before = 0;
    for (auto &x : v) {
        x = static_cast<std::uint32_t>(rng.next() % range);
        sum_before += x;
    }
    // The hash workload reads the data in the original (unsorted) order: a copy, made
    // before the clock starts.
    const std::vector<std::uint32_t> unsorted = v;

    auto t0 = std::chrono::steady_clock::now();
    std::sort(v.begin(), v.end());
    double sort_ms = ms_since(t0);

    auto t1 = std::chrono::steady_clock::now();
    std::unordered_map<std::uint32_t, std::uint32_t> counts;
    for (std::uint32_t x : unsorted)
        ++counts[x];
    // A second pass of lookups only (find, no insertion): weighted sum of the counts.
    std::uint64_t weighted = 0;
    for (std::uint32_t x : unsorted) {
        auto it = counts.find(x);
        weighted += it == counts.end() ? 0 : it->second;
    }
    double hash_ms = ms_since(t1);
    double total_ms = ms_since(t0);

    bool ok = true;
    std::uint64_t sum_after = 0, expect_weighted = 0, distinct = 0;
    for (long i = 0; i < n; i++) {
        sum_after += v[i];
        if (i > 0 && v[i - 1] > v[i])
            ok = false;
    }
    ok = ok && sum_after == sum_before;
    // Runs of equal values in the sorted array: each value's count, independently of the map.
    for (long i = 0; i < n;) {
        long j = i;
        while (j < n && v[j] == v[i])
            j++;
        std::uint64_t run = static_cast<std::uint64_t>(j - i);
        auto it = counts.find(v[i]);
        if (it == counts.end() || it->second != run)
            ok = false;
        expect_weighted += run * run;
        distinct++;
        i = j;
    }
    ok = ok && distinct == counts.size() && weighted == expect_weighted;
    // Checksum: position-weighted hash of the sorted array and the weighted count.
    std::uint64_t checksum = weighted;
    for (long i = 0; i < n; i += 997)
        checksum = checksum * 31 + v[i];

    std::printf("{\"bench\": \"cxx_sort_hash\", \"ms\": %.3f, \"sort_ms\": %.3f, \"hash_ms\": %.3f, "
                "\"n\": %ld, \"distinct\": %llu, \"checksum\": \"%016llx\", \"ok\": %s}\n",
                total_ms, sort_ms, hash_ms, n, static_cast<unsigned long long>(distinct),
                static_cast<unsigned long long>(checksum), ok ? "true" : "false");
    if (!ok)
        std::fprintf(stderr, "cxx_sort_hash: verification FAILED\n");
    return ok ? 0 : 1;
}
