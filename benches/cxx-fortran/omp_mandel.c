/* OpenMP parallel loop, built from this one source natively (host gcc -O2 -fopenmp) and
 * for Eremit (x86_64-hermit-gcc -O2 -fopenmp) by benches/drivers/bench_cxx_fortran.py: escape
 * iteration counts of a W x H grid over the Mandelbrot set, one `omp parallel for` over
 * the rows with a reduction. Rows differ a lot in cost (the set's interior runs to the
 * iteration limit), hence schedule(dynamic): a static split would measure the imbalance
 * rather than the runtime and the vCPUs.
 *
 * Usage: omp_mandel [W [H [MAXITER]]]   (defaults 1200 1200 1000)
 * The thread count is libgomp's default (OMP_NUM_THREADS if set, else one per CPU):
 * the driver leaves it unset in Eremit and compares --cpus 1 with --cpus 2.
 * Prints one JSON line: {"bench": "omp_mandel", "ms": ..., "threads": T, "cpus": P,
 * "total": N, "ok": true|false}; exits with 1 when a check fails: the reduction must
 * equal the sum of the per-row counts the threads stored, and every 8th row is computed
 * again serially after the timed loop and must match.
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int width = 1200, height = 1200, maxiter = 1000;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Sum of the escape iteration counts of one row (region [-2, 0.6] x [-1.3, 1.3]). */
static uint64_t row_count(int y)
{
    double ci = -1.3 + 2.6 * y / (height - 1);
    uint64_t sum = 0;
    for (int x = 0; x < width; x++) {
        double cr = -2.0 + 2.6 * x / (width - 1);
        double zr = 0.0, zi = 0.0;
        int k = 0;
        while (k < maxiter && zr * zr + zi * zi <= 4.0) {
            double t = zr * zr - zi * zi + cr;
            zi = 2.0 * zr * zi + ci;
            zr = t;
            k++;
        }
        sum += (uint64_t)k;
    }
    return sum;
}

int main(int argc, char **argv)
{
    if (argc > 1) width = atoi(argv[1]);
    if (argc > 2) height = atoi(argv[2]);
    if (argc > 3) maxiter = atoi(argv[3]);
    if (width < 2 || height < 2 || maxiter < 1) {
        fprintf(stderr, "usage: omp_mandel [W >= 2 [H >= 2 [MAXITER >= 1]]]\n");
        return 2;
    }
    uint64_t *rows = calloc((size_t)height, sizeof *rows);
    if (!rows) {
        fprintf(stderr, "omp_mandel: out of memory\n");
        return 2;
    }

    uint64_t total = 0;
    int threads = 0;
    double t0 = now_ms();
#pragma omp parallel reduction(+ : total)
    {
#pragma omp single
        threads = omp_get_num_threads();
#pragma omp for schedule(dynamic, 4)
        for (int y = 0; y < height; y++) {
            rows[y] = row_count(y);
            total += rows[y];
        }
    }
    double ms = now_ms() - t0;

    uint64_t sum_rows = 0;
    int ok = 1;
    for (int y = 0; y < height; y++)
        sum_rows += rows[y];
    if (sum_rows != total)
        ok = 0;
    for (int y = 0; y < height; y += 8)
        if (row_count(y) != rows[y])
            ok = 0;

    printf("{\"bench\": \"omp_mandel\", \"ms\": %.3f, \"threads\": %d, \"cpus\": %d, "
           "\"width\": %d, \"height\": %d, \"maxiter\": %d, \"total\": %llu, \"ok\": %s}\n",
           ms, threads, omp_get_num_procs(), width, height, maxiter,
           (unsigned long long)total, ok ? "true" : "false");
    if (!ok)
        fprintf(stderr, "omp_mandel: verification FAILED (reduction %llu, rows %llu)\n",
                (unsigned long long)total, (unsigned long long)sum_rows);
    free(rows);
    return ok ? 0 : 1;
}
