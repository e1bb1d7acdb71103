#ifndef CI_RUNNER_CLIBGIT2_SHIM_H
#define CI_RUNNER_CLIBGIT2_SHIM_H

#include <git2.h>

// libgit2's option structs are initialised with macros Swift cannot import; these return them.
static inline git_status_options ci_git_status_options_init(void) {
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    return options;
}

static inline git_clone_options ci_git_clone_options_init(void) {
    git_clone_options options = GIT_CLONE_OPTIONS_INIT;
    return options;
}

static inline git_fetch_options ci_git_fetch_options_init(void) {
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    return options;
}

static inline git_checkout_options ci_git_checkout_options_init(void) {
    git_checkout_options options = GIT_CHECKOUT_OPTIONS_INIT;
    return options;
}

static inline git_diff_options ci_git_diff_options_init(void) {
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    return options;
}

#endif
