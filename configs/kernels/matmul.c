/* matmul.c - a blocked single-precision matrix multiply C = A B, the
 * kernel of configs/matmul.yaml. The tile sizes and the loop order inside
 * a tile are compile-time parameters, as a GPU kernel's block sizes are:
 *
 *   cc -O2 -DN=512 -DTI=32 -DTJ=64 -DTK=16 -DORDER_ikj matmul.c -o mm
 *
 * ORDER_ikj (the default) streams a row of B into a row of C; ORDER_ijk
 * sums a dot product per entry of C.
 * It checks 64 entries of C against a plain dot product (exit 2 when one
 * is wrong), then times one multiply with CLOCK_MONOTONIC and prints
 * "[ictune] time=SECONDS". Tiles must divide N. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef N
#define N 512
#endif
#ifndef TI
#define TI 16
#endif
#ifndef TJ
#define TJ 16
#endif
#ifndef TK
#define TK 16
#endif
#ifdef ORDER_ijk
#define ORDER_IKJ 0
#else
#define ORDER_IKJ 1
#endif

#if N % TI || N % TJ || N % TK
#error "the tiles must divide N"
#endif

static float A[N][N], B[N][N], C[N][N];

static void multiply(void)
{
    for (int ii = 0; ii < N; ii += TI)
        for (int kk = 0; kk < N; kk += TK)
            for (int jj = 0; jj < N; jj += TJ)
#if ORDER_IKJ
                for (int i = ii; i < ii + TI; i++)
                    for (int k = kk; k < kk + TK; k++) {
                        float a = A[i][k];
                        for (int j = jj; j < jj + TJ; j++)
                            C[i][j] += a * B[k][j];
                    }
#else
                for (int i = ii; i < ii + TI; i++)
                    for (int j = jj; j < jj + TJ; j++) {
                        float s = C[i][j];
                        for (int k = kk; k < kk + TK; k++)
                            s += A[i][k] * B[k][j];
                        C[i][j] = s;
                    }
#endif
}

int main(void)
{
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (float)((i * 7 + j * 3) % 17) / 17.0f;
            B[i][j] = (float)((i * 5 + j * 11) % 13) / 13.0f;
        }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    multiply();
    clock_gettime(CLOCK_MONOTONIC, &t1);
    for (int s = 0; s < 64; s++) {
        int i = (s * 37) % N, j = (s * 101 + 7) % N;
        double ref = 0;
        for (int k = 0; k < N; k++)
            ref += (double)A[i][k] * B[k][j];
        double d = C[i][j] - ref;
        if (d > 1e-3 * (ref > 1 ? ref : 1) || d < -1e-3 * (ref > 1 ? ref : 1)) {
            fprintf(stderr, "matmul: C[%d][%d] = %g, expected %g\n", i, j,
                    (double)C[i][j], ref);
            return 2;
        }
    }
    printf("[ictune] time=%.9f\n", (double)(t1.tv_sec - t0.tv_sec) +
                                   1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    return 0;
}
