#ifndef CI_RUNNER_GIT_PRELOAD_H
#define CI_RUNNER_GIT_PRELOAD_H

/// Waits for the libgit2 load that started with the process (`ci-runner run`), if one did;
/// returns 1 when one had started. Afterwards the library is loaded and initialised, or its
/// failure is left for the caller to find again (and report) by loading it itself.
int ci_git_preload_wait(void);

/// Whether that load started (without waiting for it).
int ci_git_preload_started(void);

#endif
