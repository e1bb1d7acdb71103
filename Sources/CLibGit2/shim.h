#ifndef CI_RUNNER_CLIBGIT2_SHIM_H
#define CI_RUNNER_CLIBGIT2_SHIM_H

#include <dlfcn.h>
#include <git2.h>
#include <stddef.h>

// glibc declares RTLD_DEFAULT only under _GNU_SOURCE, which this module must not define (the
// system headers would then differ from other modules' views of them, e.g. fd_set).
#ifndef RTLD_DEFAULT
#define RTLD_DEFAULT ((void *)0)
#endif

// libgit2 is loaded when first used, not when ci-runner starts: its 18 shared libraries (krb5,
// ssh2, mbedTLS, ...) cost every process ~2 ms to load, and most processes (the sandbox agent,
// `validate`, `logs`) never touch git. Swift calls the `ci_git_*` functions below, which have
// libgit2's exact signatures (`__typeof__` checks each against git2.h) and forward to the
// function in the library, looked up once. Call `ci_git_load` first: nothing else may run
// until it has succeeded.

/// The loaded library, or NULL; loads it on the first call: `path` (NULL: libgit2's soname,
/// found the usual way). `error` (may be NULL) receives dlerror's message when it cannot be
/// loaded. The library joins the global scope (RTLD_GLOBAL): every compiled copy of these inline
/// functions (one per object file) then finds its symbols through RTLD_DEFAULT, whichever file
/// was loaded.
static inline void *ci_git_load(const char *path, const char **error) {
    static void *handle;
    void *loaded = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
    if (loaded == NULL) {
        loaded = dlopen(path != NULL ? path : "libgit2.so." LIBGIT2_SOVERSION, RTLD_NOW | RTLD_GLOBAL);
        if (loaded == NULL) {
            if (error != NULL) *error = dlerror();
            return NULL;
        }
        __atomic_store_n(&handle, loaded, __ATOMIC_RELEASE);
    }
    return loaded;
}

/// The library's name, for messages.
static inline const char *ci_git_library_name(void) { return "libgit2.so." LIBGIT2_SOVERSION; }

/// The functions the forwarders below call: `ci_git_missing_symbol` checks them all at once.
static const char *const ci_git_symbols[] = {
    "git_libgit2_init", "git_error_last", "git_repository_open_ext", "git_repository_free", "git_repository_workdir",
    "git_repository_head", "git_repository_head_detached", "git_repository_config_snapshot", "git_repository_index",
    "git_reference_target", "git_reference_name", "git_reference_free", "git_commit_lookup", "git_commit_free",
    "git_commit_author", "git_commit_committer", "git_commit_message", "git_config_free", "git_config_get_string",
    "git_index_free", "git_index_entrycount", "git_index_get_byindex", "git_status_list_new", "git_status_list_entrycount",
    "git_status_byindex", "git_status_list_free", "git_oid_tostr",
};

/// The first function of `ci_git_symbols` the loaded library lacks, or NULL when it has them all.
static inline const char *ci_git_missing_symbol(void) {
    for (size_t i = 0; i < sizeof ci_git_symbols / sizeof ci_git_symbols[0]; i++) {
        if (dlsym(RTLD_DEFAULT, ci_git_symbols[i]) == NULL) return ci_git_symbols[i];
    }
    return NULL;
}

// Declares `ci_<name>` forwarding to libgit2's `<name>`, resolved on first use (only after
// ci_git_load and ci_git_missing_symbol have succeeded; each name is in ci_git_symbols).
#define CI_GIT_FORWARD(name, ...)                                                                   \
    static __typeof__(&name) resolved;                                                             \
    __typeof__(&name) function = __atomic_load_n(&resolved, __ATOMIC_ACQUIRE);                     \
    if (function == NULL) {                                                                        \
        function = (__typeof__(&name))dlsym(RTLD_DEFAULT, #name);                             \
        __atomic_store_n(&resolved, function, __ATOMIC_RELEASE);                                   \
    }                                                                                              \
    return function(__VA_ARGS__);

static inline int ci_git_libgit2_init(void) { CI_GIT_FORWARD(git_libgit2_init) }
static inline const git_error *ci_git_error_last(void) { CI_GIT_FORWARD(git_error_last) }

static inline int ci_git_repository_open_ext(git_repository **out, const char *path, unsigned int flags, const char *ceiling) {
    CI_GIT_FORWARD(git_repository_open_ext, out, path, flags, ceiling)
}
static inline void ci_git_repository_free(git_repository *repo) { CI_GIT_FORWARD(git_repository_free, repo) }
static inline const char *ci_git_repository_workdir(const git_repository *repo) { CI_GIT_FORWARD(git_repository_workdir, repo) }
static inline int ci_git_repository_head(git_reference **out, git_repository *repo) { CI_GIT_FORWARD(git_repository_head, out, repo) }
static inline int ci_git_repository_head_detached(git_repository *repo) { CI_GIT_FORWARD(git_repository_head_detached, repo) }
static inline int ci_git_repository_config_snapshot(git_config **out, git_repository *repo) {
    CI_GIT_FORWARD(git_repository_config_snapshot, out, repo)
}
static inline int ci_git_repository_index(git_index **out, git_repository *repo) { CI_GIT_FORWARD(git_repository_index, out, repo) }

static inline const git_oid *ci_git_reference_target(const git_reference *ref) { CI_GIT_FORWARD(git_reference_target, ref) }
static inline const char *ci_git_reference_name(const git_reference *ref) { CI_GIT_FORWARD(git_reference_name, ref) }
static inline void ci_git_reference_free(git_reference *ref) { CI_GIT_FORWARD(git_reference_free, ref) }

static inline int ci_git_commit_lookup(git_commit **commit, git_repository *repo, const git_oid *id) {
    CI_GIT_FORWARD(git_commit_lookup, commit, repo, id)
}
static inline void ci_git_commit_free(git_commit *commit) { CI_GIT_FORWARD(git_commit_free, commit) }
static inline const git_signature *ci_git_commit_author(const git_commit *commit) { CI_GIT_FORWARD(git_commit_author, commit) }
static inline const git_signature *ci_git_commit_committer(const git_commit *commit) { CI_GIT_FORWARD(git_commit_committer, commit) }
static inline const char *ci_git_commit_message(const git_commit *commit) { CI_GIT_FORWARD(git_commit_message, commit) }

static inline void ci_git_config_free(git_config *cfg) { CI_GIT_FORWARD(git_config_free, cfg) }
static inline int ci_git_config_get_string(const char **out, const git_config *cfg, const char *name) {
    CI_GIT_FORWARD(git_config_get_string, out, cfg, name)
}

static inline void ci_git_index_free(git_index *index) { CI_GIT_FORWARD(git_index_free, index) }
static inline size_t ci_git_index_entrycount(const git_index *index) { CI_GIT_FORWARD(git_index_entrycount, index) }
static inline const git_index_entry *ci_git_index_get_byindex(git_index *index, size_t n) { CI_GIT_FORWARD(git_index_get_byindex, index, n) }

static inline int ci_git_status_list_new(git_status_list **out, git_repository *repo, const git_status_options *opts) {
    CI_GIT_FORWARD(git_status_list_new, out, repo, opts)
}
static inline size_t ci_git_status_list_entrycount(git_status_list *list) { CI_GIT_FORWARD(git_status_list_entrycount, list) }
static inline const git_status_entry *ci_git_status_byindex(git_status_list *list, size_t idx) { CI_GIT_FORWARD(git_status_byindex, list, idx) }
static inline void ci_git_status_list_free(git_status_list *list) { CI_GIT_FORWARD(git_status_list_free, list) }

static inline char *ci_git_oid_tostr(char *out, size_t n, const git_oid *id) { CI_GIT_FORWARD(git_oid_tostr, out, n, id) }

#undef CI_GIT_FORWARD

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
