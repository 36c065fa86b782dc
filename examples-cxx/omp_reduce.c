/* OpenMP in C: a parallel-for sum reduction and a max reduction, exact integer results (the
 * same with any team size).  The team size goes to stderr as "max threads N, team N";
 * tests compare it with OMP_NUM_THREADS or, by default, the number of CPUs. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
    enum { N = 2000000 };
    long long sum = 0;
    long max = 0;
    int team = 0;
#pragma omp parallel
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp for reduction(+ : sum) reduction(max : max) schedule(static)
        for (long i = 1; i <= N; i++) {
            sum += i;
            long x = (i * 48271) % 2147483647 % 1000003;
            if (x > max)
                max = x;
        }
    }
    long long expect = (long long)N * (N + 1) / 2;
    printf("sum 1..%d = %lld (%s), max %ld\n", N, sum, sum == expect ? "correct" : "WRONG", max);
    fprintf(stderr, "max threads %d, team %d\n", omp_get_max_threads(), team);
    return sum == expect ? 0 : 1;
}
