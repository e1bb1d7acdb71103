#ifndef CI_RUNNER_GIT_PRELOAD_H
#define CI_RUNNER_GIT_PRELOAD_H

/// Starts loading and initialising libgit2 on a thread of its own, once per process (later
/// calls do nothing, as do calls after the first `ci_git_preload_wait`). With glibc a
/// constructor calls it for `ci-runner run` before main.
void ci_git_preload_start(void);

/// Waits for that load, if it started; returns 1 when it had. Afterwards the library is loaded
/// and initialised, or its failure is left for the caller to find again (and report) by loading
/// it itself.
int ci_git_preload_wait(void);

#endif
