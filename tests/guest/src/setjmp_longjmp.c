/* setjmp/longjmp: the value passed through, longjmp(env, 0) arriving as 1,
 * escaping from deep recursion, volatile locals surviving the jump, and
 * sigsetjmp/siglongjmp restoring the signal mask. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>

static jmp_buf env;
static int frames_entered;

__attribute__((noinline)) static void dive(int depth, int bail_at) {
    volatile int pad[16];
    pad[0] = depth % 100;
    ++frames_entered;
    if (depth >= bail_at) longjmp(env, depth + pad[0]);
    if (depth < 1000000) /* never false; tells GCC the recursion is bounded */
        dive(depth + 1, bail_at);
}

static void values_pass_through(void) {
    for (volatile int v = 0; v < 4; ++v) {
        int r = setjmp(env);
        if (r == 0) {
            longjmp(env, v); /* v == 0 must arrive as 1 */
        }
        printf("longjmp(env, %d) -> setjmp returned %d\n", (int)v, r);
    }
}

static void escape_recursion(void) {
    volatile int attempts = 0;
    int r = setjmp(env);
    ++attempts;
    if (r == 0) {
        dive(0, 5000);
    }
    printf("escaped recursion: setjmp returned %d after %d frames, attempts %d\n", r, frames_entered,
           (int)attempts);
}

static sigjmp_buf senv;

static void signal_mask_restore(void) {
    sigset_t block, current;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_SETMASK, &block, NULL); /* SIGUSR1 blocked when saved */
    if (sigsetjmp(senv, 1) == 0) {
        sigset_t more;
        sigemptyset(&more);
        sigaddset(&more, SIGUSR2);
        sigprocmask(SIG_BLOCK, &more, NULL);
        sigprocmask(SIG_BLOCK, NULL, &current);
        printf("before siglongjmp: USR1 blocked %d, USR2 blocked %d\n", sigismember(&current, SIGUSR1),
               sigismember(&current, SIGUSR2));
        siglongjmp(senv, 7);
    }
    sigprocmask(SIG_BLOCK, NULL, &current);
    printf("after siglongjmp: USR1 blocked %d, USR2 blocked %d\n", sigismember(&current, SIGUSR1),
           sigismember(&current, SIGUSR2));
    sigemptyset(&block);
    sigprocmask(SIG_SETMASK, &block, NULL);
}

int main(void) {
    values_pass_through();
    escape_recursion();
    signal_mask_restore();
    return 0;
}
