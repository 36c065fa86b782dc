// STL containers and algorithms, and operator new/delete (replaced globally here, so the
// counts show that containers and new-expressions go through them).
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <new>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

static std::size_t news, deletes;

void *operator new(std::size_t n)
{
    news++;
    if (void *p = std::malloc(n ? n : 1))
        return p;
    throw std::bad_alloc();
}
static void release(void *p)
{
    if (p)
        deletes++;
    std::free(p);
}
void operator delete(void *p) noexcept { release(p); }
void operator delete(void *p, std::size_t) noexcept { release(p); }

struct Tracked {
    static int live;
    int v;
    explicit Tracked(int v) : v(v) { live++; }
    Tracked(const Tracked &o) : v(o.v) { live++; }
    ~Tracked() { live--; }
};
int Tracked::live = 0;

template <class C> static void show(const char *name, const C &c)
{
    std::printf("%s:", name);
    for (const auto &x : c)
        std::printf(" %d", static_cast<int>(x));
    std::printf("\n");
}

int main()
{
    std::vector<int> v(20);
    std::iota(v.begin(), v.end(), 1);
    // A fixed-seed mt19937 produces the same sequence everywhere (the standard fixes it).
    std::mt19937 rng(12345);
    std::shuffle(v.begin(), v.end(), rng);
    std::printf("mt19937(12345) first output of a fresh engine: %lu\n", static_cast<unsigned long>(std::mt19937(12345)()));
    std::sort(v.begin(), v.end(), std::greater<int>());
    show("sorted desc", v);
    std::stable_partition(v.begin(), v.end(), [](int x) { return x % 3 == 0; });
    show("multiples of 3 first", v);
    std::printf("sum %d, product of 1..10 %lld\n", std::accumulate(v.begin(), v.end(), 0),
                std::accumulate(v.begin(), v.begin() + 0, 1LL) *
                    [] { long long p = 1; for (int i = 1; i <= 10; i++) p *= i; return p; }());
    auto mm = std::minmax_element(v.begin(), v.end());
    std::printf("min %d max %d, count_if even %ld\n", *mm.first, *mm.second,
                static_cast<long>(std::count_if(v.begin(), v.end(), [](int x) { return x % 2 == 0; })));
    std::sort(v.begin(), v.end());
    std::printf("binary_search 13: %d, lower_bound 13 at %ld\n", std::binary_search(v.begin(), v.end(), 13),
                static_cast<long>(std::lower_bound(v.begin(), v.end(), 13) - v.begin()));
    std::vector<int> perm = {1, 2, 3};
    int perms = 0;
    do perms++; while (std::next_permutation(perm.begin(), perm.end()));
    std::printf("permutations of 3: %d\n", perms);

    std::map<std::string, int> words;
    for (const char *w : {"pear", "apple", "fig", "apple", "pear", "apple"})
        words[w]++;
    for (const auto &[w, n] : words)
        std::printf("map %s=%d\n", w.c_str(), n);
    std::unordered_map<int, std::string> um;
    for (int i = 0; i < 1000; i++)
        um[i * 7] = std::to_string(i);
    std::printf("unordered_map size %zu, [693]=%s, count(5)=%zu\n", um.size(), um[693].c_str(), um.count(5));
    std::set<int> s(v.begin(), v.end());
    std::unordered_set<std::string> us{"a", "b", "a"};
    std::printf("set size %zu first %d last %d, unordered_set size %zu\n", s.size(), *s.begin(), *s.rbegin(), us.size());
    std::multimap<int, char> mmap{{2, 'b'}, {1, 'a'}, {2, 'c'}};
    std::printf("multimap count(2)=%zu\n", mmap.count(2));

    std::list<int> l{5, 3, 1, 4, 2};
    l.sort();
    l.reverse();
    show("list sorted reversed", l);
    std::deque<int> dq;
    for (int i = 0; i < 5; i++) {
        dq.push_front(i);
        dq.push_back(10 * i);
    }
    show("deque", dq);
    std::array<int, 4> arr{4, 3, 2, 1};
    std::reverse(arr.begin(), arr.end());
    show("array", arr);

    std::string str = "The quick brown fox";
    std::transform(str.begin(), str.end(), str.begin(), [](unsigned char c) { return std::toupper(c); });
    std::printf("string: %s, find(BROWN)=%zu, substr=%s, stoi(\"-42x\")=%d, stod(\"2.5e3\")=%g\n", str.c_str(),
                str.find("BROWN"), str.substr(4, 5).c_str(), std::stoi("-42x"), std::stod("2.5e3"));

    std::optional<int> o;
    std::variant<int, std::string> var = std::string("text");
    auto t = std::make_tuple(1, 2.5, 'z');
    std::printf("optional %d, variant index %zu holds %s, tuple %d %.1f %c\n", o.value_or(-1), var.index(),
                std::get<std::string>(var).c_str(), std::get<0>(t), std::get<1>(t), std::get<2>(t));

    // new/delete: objects, arrays, smart pointers, the container allocations.
    std::size_t n0 = news, d0 = deletes;
    {
        Tracked *one = new Tracked(1);
        Tracked *many = new Tracked[3]{Tracked(2), Tracked(3), Tracked(4)};
        auto up = std::make_unique<Tracked>(5);
        auto sp = std::make_shared<Tracked>(6);
        std::shared_ptr<Tracked> sp2 = sp;
        std::weak_ptr<Tracked> wp = sp;
        std::printf("live %d, shared use_count %ld, sum %d\n", Tracked::live, sp.use_count(),
                    one->v + many[0].v + many[2].v + up->v + sp2->v);
        delete one;
        delete[] many;
        sp.reset();
        sp2.reset();
        std::printf("after deletes: live %d, weak expired %d\n", Tracked::live, wp.expired());
    }
    std::printf("news - deletes in the block: %zu - %zu (balanced: %d)\n", news - n0, deletes - d0,
                news - n0 == deletes - d0);
    // nothrow new of an impossible size returns null; the throwing one throws bad_alloc.
    void *huge = ::operator new(static_cast<std::size_t>(-1) / 2, std::nothrow);
    std::printf("nothrow new of SIZE_MAX/2: %s\n", huge ? "non-null" : "null");
    try {
        std::vector<char> big(static_cast<std::size_t>(1) << 62);
        std::printf("1<<62 bytes: allocated?!\n");
    } catch (const std::bad_alloc &) {
        std::printf("1<<62 bytes: bad_alloc\n");
    } catch (const std::length_error &) {
        std::printf("1<<62 bytes: length_error\n");
    }
    return 0;
}
