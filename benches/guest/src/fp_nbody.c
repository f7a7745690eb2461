/* Guest workload "fp_nbody": double-precision floating point: a gravitational
 * n-body simulation (sqrt, divides, fused-style multiply/add chains) and a
 * dense matrix multiply. Built with -ffp-contract=off so the native, qemu and
 * vm results are bit-identical. argv[1] = steps. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_STEPS 600000u
#define BODIES 5
#define MATRIX_N 48
#define STEPS_PER_MATMUL 20000u

struct body {
    double x, y, z, vx, vy, vz, mass;
};

static void init_bodies(struct body *b) {
    /* A heavy central mass and four lighter ones on rough orbits. */
    static const double init[BODIES][7] = {
        {0, 0, 0, 0, 0, 0, 39.47},
        {4.84, -1.16, -0.10, 0.606, 2.81, -0.02, 0.037},
        {8.34, 4.12, -0.40, -1.01, 1.82, 0.008, 0.011},
        {12.89, -15.11, -0.22, 1.08, 0.868, -0.010, 0.0017},
        {15.37, -25.91, 0.17, 0.979, 0.594, -0.034, 0.002},
    };
    for (int i = 0; i < BODIES; ++i) {
        b[i].x = init[i][0], b[i].y = init[i][1], b[i].z = init[i][2];
        b[i].vx = init[i][3], b[i].vy = init[i][4], b[i].vz = init[i][5];
        b[i].mass = init[i][6];
    }
}

static void advance(struct body *b, double dt) {
    for (int i = 0; i < BODIES; ++i) {
        for (int j = i + 1; j < BODIES; ++j) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].mass * mag;
            b[i].vy -= dy * b[j].mass * mag;
            b[i].vz -= dz * b[j].mass * mag;
            b[j].vx += dx * b[i].mass * mag;
            b[j].vy += dy * b[i].mass * mag;
            b[j].vz += dz * b[i].mass * mag;
        }
    }
    for (int i = 0; i < BODIES; ++i) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double energy(const struct body *b) {
    double e = 0;
    for (int i = 0; i < BODIES; ++i) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < BODIES; ++j) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

static double m_a[MATRIX_N][MATRIX_N], m_b[MATRIX_N][MATRIX_N], m_c[MATRIX_N][MATRIX_N];

static double matmul_trace(double seed) {
    for (int i = 0; i < MATRIX_N; ++i)
        for (int j = 0; j < MATRIX_N; ++j) {
            m_a[i][j] = (double)((i * 7 + j * 3) % 11) * 0.25 + seed;
            m_b[i][j] = (double)((i * 5 + j * 13) % 17) * 0.125 - seed;
        }
    for (int i = 0; i < MATRIX_N; ++i)
        for (int j = 0; j < MATRIX_N; ++j) {
            double sum = 0;
            for (int k = 0; k < MATRIX_N; ++k) sum += m_a[i][k] * m_b[k][j];
            m_c[i][j] = sum;
        }
    double trace = 0;
    for (int i = 0; i < MATRIX_N; ++i) trace += m_c[i][i];
    return trace;
}

static uint64_t bits_of(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

int main(int argc, char **argv) {
    uint32_t steps = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : DEFAULT_STEPS;
    struct body bodies[BODIES];
    init_bodies(bodies);
    double e0 = energy(bodies), traces = 0;
    for (uint32_t s = 0; s < steps; ++s) {
        advance(bodies, 0.001);
        if (s % STEPS_PER_MATMUL == 0) traces += matmul_trace(bodies[1].x);
    }
    double e1 = energy(bodies);
    printf("fp_nbody steps %" PRIu32 " energy %.12f -> %.12f traces %.6f checksum %016" PRIx64 "\n", steps, e0, e1,
           traces, bits_of(e1) ^ bits_of(traces));
    return 0;
}
