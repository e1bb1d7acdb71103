// `ci-runner run` reads the repository through libgit2, whose load (18 shared libraries) and
// start (mbedTLS parsing the system's CA certificates) take ~5 ms. A constructor starts that
// work on a thread of its own as soon as the dynamic loader is done, before the Swift runtime and
// Foundation start and before the argument parser runs (~1 ms earlier than Swift's main could),
// and only for `run`: other commands never load libgit2.
#include "ci_git_preload.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "shim.h"

static pthread_t loader;
static int started;
static pthread_once_t starting = PTHREAD_ONCE_INIT;
static pthread_once_t waited = PTHREAD_ONCE_INIT;

static void *load(void *unused) {
    (void)unused;
    const char *path = getenv("CI_RUNNER_LIBGIT2");
    if (ci_git_load(path != NULL && path[0] != '\0' ? path : NULL, NULL) != NULL && ci_git_missing_symbol() == NULL) {
        (void)ci_git_libgit2_init();
    }
    return NULL;
}

static void start(void) {
    pthread_attr_t attributes;
    if (pthread_attr_init(&attributes) != 0) return;
    (void)pthread_attr_setstacksize(&attributes, 1 << 18);
    started = pthread_create(&loader, &attributes, load, NULL) == 0;
    pthread_attr_destroy(&attributes);
}

void ci_git_preload_start(void) { pthread_once(&starting, start); }

// glibc passes a constructor the program's arguments; other C libraries (musl) do not, and there
// `run` starts the load from Swift's main instead (Repository.prepareLibrary).
#if defined(__GLIBC__)
__attribute__((constructor(101))) static void ci_git_preload(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2 || argv == NULL || argv[1] == NULL || strcmp(argv[1], "run") != 0) return;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) return;
    }
    ci_git_preload_start();
}
#endif

static void nothing(void) {}

static void join(void) {
    if (started) (void)pthread_join(loader, NULL);
}

int ci_git_preload_wait(void) {
    // A load not started by now never starts: the caller loads the library itself.
    pthread_once(&starting, nothing);
    pthread_once(&waited, join);
    return started;
}
