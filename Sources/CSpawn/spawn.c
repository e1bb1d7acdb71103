#define _GNU_SOURCE
#include "ci_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int ci_pipe(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int ci_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
             int in_fd, int out_fd, int err_fd, int new_session,
             const ci_rlimit *limits, int limit_count, pid_t *out_pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;

    // Block signals so the child cannot run the parent's handlers before it resets them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);

    pid_t pid = vfork();
    if (pid == 0) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++) {
            if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &action, NULL);
        }
        sigset_t empty;
        sigemptyset(&empty);
        sigprocmask(SIG_SETMASK, &empty, NULL);
        if (new_session && setsid() < 0) goto failed;
        if (cwd != NULL && chdir(cwd) != 0) goto failed;
        if (in_fd >= 0 && dup2(in_fd, 0) < 0) goto failed;
        if (out_fd >= 0 && dup2(out_fd, 1) < 0) goto failed;
        if (err_fd >= 0 && dup2(err_fd, 2) < 0) goto failed;
        for (int i = 0; i < limit_count; i++) {
            struct rlimit limit = {limits[i].soft, limits[i].hard};
            if (setrlimit(limits[i].resource, &limit) != 0) goto failed;
        }
        // Close every descriptor but 0-2 and the report pipe (close-on-exec, so exec closes it).
        {
            long max = sysconf(_SC_OPEN_MAX);
            if (max < 0 || max > 65536) max = 65536;
#ifdef SYS_close_range
            if (report[1] > 3) syscall(SYS_close_range, 3U, (unsigned)report[1] - 1, 0U);
            if (syscall(SYS_close_range, (unsigned)report[1] + 1, ~0U, 0U) != 0)
#endif
            {
                for (int fd = 3; fd < max; fd++) {
                    if (fd != report[1]) close(fd);
                }
            }
        }
        execve(path, argv, envp);
    failed: {
        int error = errno;
        ssize_t ignored = write(report[1], &error, sizeof error);
        (void)ignored;
        _exit(127);
    }
    }

    int spawn_errno = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    close(report[1]);
    if (pid < 0) {
        close(report[0]);
        return spawn_errno;
    }
    int child_errno = 0;
    ssize_t got;
    do {
        got = read(report[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return child_errno != 0 ? child_errno : EIO;
    }
    *out_pid = pid;
    return 0;
}

int ci_wait(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -errno;
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 255;
}

int ci_kill_group(pid_t pgid, int sig) {
    return kill(-pgid, sig) == 0 ? 0 : errno;
}

#include <poll.h>
#include <stdlib.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

struct waiter_args {
    pid_t pid;
    int wake_fd;
    int status;
};

static void *wait_in_thread(void *raw) {
    struct waiter_args *args = raw;
    args->status = ci_wait(args->pid);
    char byte = 1;
    ssize_t ignored = write(args->wake_fd, &byte, 1);
    (void)ignored;
    return NULL;
}

static void drain(int fd, ci_output_sink sink, void *context, char *buffer, size_t size) {
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    for (;;) {
        ssize_t got = read(fd, buffer, size);
        if (got > 0) {
            sink(context, buffer, got);
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        break;
    }
}

int ci_pump(pid_t pid, int out_fd, ci_output_sink sink, void *context) {
    enum { SIZE = 1 << 16 };
    char *buffer = malloc(SIZE);
    if (buffer == NULL) return -ENOMEM;

    // Learn about the exit through a pidfd, or, on old kernels, a thread that waits and wakes us.
    int exit_fd = (int)syscall(SYS_pidfd_open, pid, 0);
    int wake[2] = {-1, -1};
    pthread_t waiter;
    struct waiter_args args = {pid, -1, 0};
    int threaded = 0;
    if (exit_fd < 0) {
        if (pipe2(wake, O_CLOEXEC) != 0) {
            free(buffer);
            return -errno;
        }
        args.wake_fd = wake[1];
        if (pthread_create(&waiter, NULL, wait_in_thread, &args) != 0) {
            free(buffer);
            return -EAGAIN;
        }
        threaded = 1;
        exit_fd = wake[0];
    }

    int output_open = 1;
    for (;;) {
        struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {exit_fd, POLLIN, 0}};
        int ready = poll(output_open ? fds : fds + 1, output_open ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (output_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(out_fd, buffer, SIZE);
            if (got > 0) {
                sink(context, buffer, got);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            output_open = 0;  // EOF: every writer has closed the pipe
            continue;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (output_open) drain(out_fd, sink, context, buffer, SIZE);
            break;
        }
    }
    free(buffer);

    int status;
    if (threaded) {
        pthread_join(waiter, NULL);
        close(wake[0]);
        close(wake[1]);
        status = args.status;
    } else {
        close(exit_fd);
        status = ci_wait(pid);
    }
    return status;
}

const void *ci_memrchr(const void *data, int byte, size_t length) { return memrchr(data, byte, length); }

const void *ci_memmem(const void *data, size_t length, const void *needle, size_t needle_length) {
    return memmem(data, length, needle, needle_length);
}
