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

/// What to start and how (see ci_spawn).
typedef struct {
    /// The program (an absolute path), its argv and envp (NULL-terminated), its directory.
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    /// Descriptors for standard input, output and error (-1: inherit).
    int in_fd, out_fd, err_fd;
    /// Non-zero: the child calls setsid() and leads its own session and process group.
    int new_session;
    /// Resource limits to set in the child.
    const ci_rlimit *limits;
    int limit_count;
    /// Open `cgroup.procs` files the child writes "0" to before exec, joining those cgroups.
    const int *cgroup_fds;
    int cgroup_count;
    /// A descriptor that becomes fd 3 in the child (-1: none).
    int pass_fd;
} ci_spawn_options;

/// Starts a process as `options` say. Every descriptor but 0-2 (and 3 with `pass_fd`) is closed
/// in the child; signal handlers and the mask are reset. Returns 0 and the pid, or an errno
/// (from the child when exec fails).
int ci_spawn(const ci_spawn_options *options, pid_t *out_pid);

/// pipe2(O_CLOEXEC): fds[0] reads, fds[1] writes. Returns 0 or an errno.
int ci_pipe(int fds[2]);

/// waitpid(pid, &status, 0), retried on EINTR. Returns the exit code (0–255), 128+signal when
/// killed by a signal, or -errno.
int ci_wait(pid_t pid);

/// kill(-pgid, sig): signals a whole process group. Returns 0 or an errno.
int ci_kill_group(pid_t pgid, int sig);

/// Receives a chunk of a child's output.
typedef void (*ci_output_sink)(void *context, const char *data, long length);

/// Reads `out_fd` into `sink` until `stop_fd` becomes readable (the process has exited: its
/// exit descriptor, or for a step in a sandbox the agent's report), then drains what is left.
void ci_pump_until(int out_fd, int stop_fd, ci_output_sink sink, void *context);

/// A descriptor that becomes readable when child `pid` exits (it is not reaped): a pidfd, or on
/// kernels without pidfd_open a pipe a waiting thread writes to. Returns it, or -errno.
int ci_exit_fd(pid_t pid);

/// Waits until one of `fds` is readable (or hung up); sets `ready[i]` for each such one.
/// Returns the number ready, or -errno.
int ci_wait_readable(const int *fds, int *ready, int count);

/// Marks the calling thread (a job's own thread), or asks whether it is marked.
void ci_mark_thread(void);
int ci_thread_is_marked(void);

/// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). Returns 0 or an errno.
int ci_socketpair(int fds[2]);

/// Sends one message of `length` bytes on a SOCK_SEQPACKET socket, with descriptor `fd`
/// attached when fd >= 0. Returns 0 or an errno.
int ci_send_message(int socket, const void *data, size_t length, int fd);

/// Receives one message into `buffer`; an attached descriptor is stored in `*fd` (else -1).
/// Returns the length, 0 at end of stream, or -errno.
long ci_receive_message(int socket, void *buffer, size_t capacity, int *fd);




/// memrchr(3): the last `byte` in `data`, or NULL.
const void *ci_memrchr(const void *data, int byte, size_t length);

/// memmem(3): the first `needle` in `data`, or NULL.
const void *ci_memmem(const void *data, size_t length, const void *needle, size_t needle_length);

/// A thread that starts a job's processes from inside the job's cgroups (cgroup v1, where a
/// thread can be in other cgroups than the rest of its process): it joins them once, through
/// their `tasks` files, and every process it starts is born in them, with no `cgroup.procs`
/// write per process (each such write takes a system-wide kernel lock that now and then waits
/// about a millisecond for an RCU grace period). It runs only this C code: it starts no thread
/// and no Swift code, and exits when stopped, which takes it out of the cgroups.
typedef struct ci_spawner ci_spawner;

/// Starts a spawner that joins the cgroups whose `tasks` files are open as `tasks_fds` (at most
/// 8; it writes its thread id to each, then closes them). Returns at once; NULL when the thread
/// cannot be started (the descriptors are then the caller's to close).
ci_spawner *ci_spawner_start(const int *tasks_fds, int count);

/// Waits until the spawner has joined its cgroups; returns 0, or the errno of the join that
/// failed (the spawner then must not be used; stop it).
int ci_spawner_ready(ci_spawner *spawner);

/// Starts a process as ci_spawn does, from the spawner's thread (`options->cgroup_count` should
/// be 0: the process is born in the spawner's cgroups). Blocks until it has started.
int ci_spawner_spawn(ci_spawner *spawner, const ci_spawn_options *options, pid_t *out_pid);

/// The calling thread's id.
pid_t ci_gettid(void);

/// Stops the spawner and waits for its thread to end; frees it.
void ci_spawner_stop(ci_spawner *spawner);

#endif

