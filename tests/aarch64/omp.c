/* OpenMP through libgomp: a parallel loop with a reduction, the team size (set with
 * OMP_NUM_THREADS), an atomic counter and a critical section. */
#include <omp.h>
#include <stdio.h>

int main(void)
{
    const int n = 2000000;
    double sum = 0;
    long atomic_count = 0;
    int max_team = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
    for (int i = 1; i <= n; i++) {
        sum += 1.0 / ((double)i * i);
#pragma omp atomic
        atomic_count++;
    }
#pragma omp parallel
    {
#pragma omp critical
        if (omp_get_num_threads() > max_team)
            max_team = omp_get_num_threads();
    }
    printf("max threads %d, team %d\n", omp_get_max_threads(), max_team);
    printf("sum %.12f, count %ld\n", sum, atomic_count);
    return 0;
}
