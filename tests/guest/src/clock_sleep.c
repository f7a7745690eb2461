/* Clocks and sleeping: CLOCK_MONOTONIC never goes backwards, a 1 ms
 * nanosleep takes at least 1 ms, and the wall clock is after 2020. */
#include <stdint.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

static int64_t ns_of(struct timespec t) { return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec; }

static const char *yes_no(int b) { return b ? "yes" : "no"; }

int main(void) {
    struct timespec a, b, res;
    int ok = clock_gettime(CLOCK_MONOTONIC, &a) == 0;
    int never_backwards = 1;
    struct timespec prev = a;
    for (int i = 0; i < 1000; ++i) {
        struct timespec now;
        ok &= clock_gettime(CLOCK_MONOTONIC, &now) == 0;
        never_backwards &= ns_of(now) >= ns_of(prev);
        prev = now;
    }
    printf("clock_gettime(CLOCK_MONOTONIC) succeeds: %s, never goes backwards over 1000 reads: %s\n", yes_no(ok),
           yes_no(never_backwards));

    struct timespec before, after, one_ms = {0, 1000000};
    clock_gettime(CLOCK_MONOTONIC, &before);
    int slept = nanosleep(&one_ms, NULL) == 0;
    clock_gettime(CLOCK_MONOTONIC, &after);
    int64_t elapsed = ns_of(after) - ns_of(before);
    printf("nanosleep(1 ms) returns 0: %s, monotonic advanced by >= 1 ms: %s, by < 10 s: %s\n", yes_no(slept),
           yes_no(elapsed >= 1000000), yes_no(elapsed < 10000000000LL));

    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic increased over the run: %s\n", yes_no(ns_of(b) > ns_of(a)));

    struct timespec real;
    clock_gettime(CLOCK_REALTIME, &real);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    time_t t = time(NULL);
    printf("realtime after 2020-01-01: %s; gettimeofday and time() agree within 5 s: %s %s\n",
           yes_no(real.tv_sec > 1577836800), yes_no(tv.tv_sec - real.tv_sec < 5 && real.tv_sec - tv.tv_sec < 5),
           yes_no(t - real.tv_sec < 5 && real.tv_sec - t < 5));

    printf("clock_getres(CLOCK_MONOTONIC) succeeds with resolution <= 1 ms: %s\n",
           yes_no(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec <= 1000000));
    struct timespec cpu;
    printf("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) succeeds: %s\n",
           yes_no(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0));
    return 0;
}
