// OpenMP in C++: a parallel reduction over a std::vector and a user-declared reduction.
// The numbers are exact (integers), so they are the same with any team size.  The team
// size is printed on its own line ("max threads N"); tests compare it with the expected
// value (OMP_NUM_THREADS, or the number of CPUs by default).
#include <cstdio>
#include <numeric>
#include <omp.h>
#include <vector>

struct MinMax {
    long lo, hi;
};
#pragma omp declare reduction(minmax : MinMax : omp_out.lo = omp_in.lo < omp_out.lo ? omp_in.lo : omp_out.lo, \
                                                   omp_out.hi = omp_in.hi > omp_out.hi ? omp_in.hi : omp_out.hi) \
    initializer(omp_priv = MinMax{1L << 62, -(1L << 62)})

int main()
{
    std::vector<long> v(1000000);
    std::iota(v.begin(), v.end(), 1);
    long sum = 0;
    MinMax mm{1L << 62, -(1L << 62)};
    int team = 0;
#pragma omp parallel
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp for reduction(+ : sum) reduction(minmax : mm)
        for (long i = 0; i < static_cast<long>(v.size()); i++) {
            sum += v[i] % 1000;
            long x = (v[i] * 7919) % 100003;
            if (x < mm.lo)
                mm.lo = x;
            if (x > mm.hi)
                mm.hi = x;
        }
    }
    long expect = 0;
    for (long x : v)
        expect += x % 1000;
    std::printf("sum %ld (%s), min %ld max %ld\n", sum, sum == expect ? "correct" : "WRONG", mm.lo, mm.hi);
    std::fprintf(stderr, "max threads %d, team %d\n", omp_get_max_threads(), team);
    return sum == expect ? 0 : 1;
}
