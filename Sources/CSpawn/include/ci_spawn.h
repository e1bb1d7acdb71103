#ifndef CI_SPAWN_H
#define CI_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

/// One resource limit to apply in the child (setrlimit).
typedef struct {
    int resource;
    unsigned long long soft;
    unsigned long long hard;
} ci_rlimit;

/// Starts `path` (an absolute path) with `argv` and `envp` (NULL-terminated), in `cwd`, with its
/// standard input, output and error on the given descriptors. With `new_session`, the child
/// calls setsid() so it leads its own session and process group. Every other descriptor is
/// closed in the child; signal handlers and the mask are reset. Returns 0 and the pid, or an errno
/// (from the child when exec fails).
int ci_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
             int in_fd, int out_fd, int err_fd, int new_session,
             const ci_rlimit *limits, int limit_count, pid_t *out_pid);

/// pipe2(O_CLOEXEC): fds[0] reads, fds[1] writes. Returns 0 or an errno.
int ci_pipe(int fds[2]);

/// waitpid(pid, &status, 0), retried on EINTR. Returns the exit code (0–255), 128+signal when
/// killed by a signal, or -errno.
int ci_wait(pid_t pid);

/// kill(-pgid, sig): signals a whole process group. Returns 0 or an errno.
int ci_kill_group(pid_t pgid, int sig);

/// Receives a chunk of a child's output.
typedef void (*ci_output_sink)(void *context, const char *data, long length);

/// Reads `out_fd` and calls `sink` with each chunk until the child `pid` has exited and the
/// output it left in the pipe is drained; output from descendants that outlive it is not waited
/// for. Then reaps the child. Returns its exit code (0-255), 128+signal, or -errno.
int ci_pump(pid_t pid, int out_fd, ci_output_sink sink, void *context);

/// memrchr(3): the last `byte` in `data`, or NULL.
const void *ci_memrchr(const void *data, int byte, size_t length);

/// memmem(3): the first `needle` in `data`, or NULL.
const void *ci_memmem(const void *data, size_t length, const void *needle, size_t needle_length);

#endif

