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
    if (pipe2(fds, O_CLOEXEC) != 0) return errno;
    // A larger pipe lets a chatty step write more before it waits for us (fewer switches);
    // if the system refuses, the default size is fine.
    (void)fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
    return 0;
}

int ci_spawn(const ci_spawn_options *o, pid_t *out_pid) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) return errno;

    // Block signals so the child cannot run the parent's handlers before it resets them.
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);

    int child_report = -1;  // the child's copy of report[1], written only by the child
    int passed = -1;
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
        for (int i = 0; i < o->cgroup_count; i++) {
            if (write(o->cgroup_fds[i], "0", 1) != 1) goto failed;
        }
        if (o->new_session && setsid() < 0) goto failed;
        if (o->cwd != NULL && chdir(o->cwd) != 0) goto failed;
        // Move the report pipe above the descriptors we are about to place. (vfork: the child
        // shares the parent's memory until exec, so it must not change `report` itself.)
        child_report = fcntl(report[1], F_DUPFD_CLOEXEC, 10);
        if (child_report < 0) goto failed;
        if (o->pass_fd >= 0 && (passed = fcntl(o->pass_fd, F_DUPFD, 10)) < 0) goto failed;
        if (o->in_fd >= 0 && dup2(o->in_fd, 0) < 0) goto failed;
        if (o->out_fd >= 0 && dup2(o->out_fd, 1) < 0) goto failed;
        if (o->err_fd >= 0 && dup2(o->err_fd, 2) < 0) goto failed;
        if (passed >= 0 && dup2(passed, 3) < 0) goto failed;
        for (int i = 0; i < o->limit_count; i++) {
            struct rlimit limit = {o->limits[i].soft, o->limits[i].hard};
            if (setrlimit(o->limits[i].resource, &limit) != 0) {
                // Without the privilege to raise a hard limit, keep the current one as the ceiling.
                struct rlimit current;
                if (errno != EPERM || getrlimit(o->limits[i].resource, &current) != 0) goto failed;
                if (limit.rlim_max > current.rlim_max) limit.rlim_max = current.rlim_max;
                if (limit.rlim_cur > limit.rlim_max) limit.rlim_cur = limit.rlim_max;
                if (setrlimit(o->limits[i].resource, &limit) != 0) goto failed;
            }
        }
        // Close every descriptor but 0-2 (and 3 when passed) and the report pipe
        // (close-on-exec, so exec closes it).
        {
            unsigned first = o->pass_fd >= 0 ? 4U : 3U;
            long max = sysconf(_SC_OPEN_MAX);
            if (max < 0 || max > 65536) max = 65536;
#ifdef SYS_close_range
            if ((unsigned)child_report > first) syscall(SYS_close_range, first, (unsigned)child_report - 1, 0U);
            if (syscall(SYS_close_range, (unsigned)child_report + 1, ~0U, 0U) != 0)
#endif
            {
                for (int fd = (int)first; fd < max; fd++) {
                    if (fd != child_report) close(fd);
                }
            }
        }
        execve(o->path, o->argv, o->envp);
    failed: {
        int error = errno;
        ssize_t ignored = write(child_report >= 0 ? child_report : report[1], &error, sizeof error);
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
};

/// Waits for the exit without reaping (the caller reaps, so the pid stays its own until then),
/// then writes to the wake pipe and closes it.
static void *wait_in_thread(void *raw) {
    struct waiter_args *args = raw;
    siginfo_t info;
    while (waitid(P_PID, (id_t)args->pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {}
    char byte = 1;
    ssize_t ignored = write(args->wake_fd, &byte, 1);
    (void)ignored;
    close(args->wake_fd);
    free(args);
    return NULL;
}

int ci_exit_fd(pid_t pid) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd >= 0) return fd;
    int wake[2];
    if (pipe2(wake, O_CLOEXEC) != 0) return -errno;
    struct waiter_args *args = malloc(sizeof *args);
    if (args == NULL) {
        close(wake[0]);
        close(wake[1]);
        return -ENOMEM;
    }
    args->pid = pid;
    args->wake_fd = wake[1];
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_t waiter;
    int error = pthread_create(&waiter, &attributes, wait_in_thread, args);
    pthread_attr_destroy(&attributes);
    if (error != 0) {
        close(wake[0]);
        close(wake[1]);
        free(args);
        return -error;
    }
    return wake[0];
}

static __thread int thread_marked;

void ci_mark_thread(void) { thread_marked = 1; }

int ci_thread_is_marked(void) { return thread_marked; }

int ci_wait_readable(const int *fds, int *ready, int count) {
    struct pollfd polled[64];
    if (count <= 0 || count > 64) return -EINVAL;
    for (int i = 0; i < count; i++) {
        polled[i].fd = fds[i];
        polled[i].events = POLLIN;
        polled[i].revents = 0;
    }
    int result;
    do {
        result = poll(polled, (nfds_t)count, -1);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return -errno;
    for (int i = 0; i < count; i++) ready[i] = (polled[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    return result;
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

/// Reads `out_fd` into `sink` until `exit_fd` is readable, then drains what is left.
static void pump_loop(int out_fd, int exit_fd, ci_output_sink sink, void *context, char *buffer, size_t size) {
    int output_open = 1;
    for (;;) {
        struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {exit_fd, POLLIN, 0}};
        int ready = poll(output_open ? fds : fds + 1, output_open ? 2 : 1, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (output_open && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t got = read(out_fd, buffer, size);
            if (got > 0) {
                sink(context, buffer, got);
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            output_open = 0;  // EOF: every writer has closed the pipe
            continue;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (output_open) drain(out_fd, sink, context, buffer, size);
            break;
        }
    }
}

enum { PUMP_BUFFER = 1 << 20 };

void ci_pump_until(int out_fd, int stop_fd, ci_output_sink sink, void *context) {
    char *buffer = malloc(PUMP_BUFFER);
    if (buffer == NULL) return;
    pump_loop(out_fd, stop_fd, sink, context, buffer, PUMP_BUFFER);
    free(buffer);
}

#include <sys/socket.h>

int ci_socketpair(int fds[2]) {
    return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0 ? 0 : errno;
}

int ci_send_message(int socket, const void *data, size_t length, int fd) {
    struct iovec vector = {(void *)data, length};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        memset(control, 0, sizeof control);
        message.msg_control = control;
        message.msg_controllen = sizeof control;
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(header), &fd, sizeof(int));
    }
    for (;;) {
        if (sendmsg(socket, &message, MSG_NOSIGNAL) >= 0) return 0;
        if (errno != EINTR) return errno;
    }
}

long ci_receive_message(int socket, void *buffer, size_t capacity, int *fd) {
    struct iovec vector = {buffer, capacity};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    char control[CMSG_SPACE(sizeof(int))];
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    *fd = -1;
    ssize_t got;
    do {
        got = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -errno;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level == SOL_SOCKET && header->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(header), sizeof(int));
    }
    return got;
}

const void *ci_memrchr(const void *data, int byte, size_t length) { return memrchr(data, byte, length); }

const void *ci_memmem(const void *data, size_t length, const void *needle, size_t needle_length) {
    return memmem(data, length, needle, needle_length);
}

#include <stdio.h>

struct ci_spawner {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t changed;
    int joined;      // 0: joining, 1: joined, -1: failed
    int join_error;
    int stopping;
    const ci_spawn_options *request;  // set by the caller, cleared by the thread when done
    pid_t pid;
    int result;
    int tasks_fds[8];
    int count;
};

static void *spawner_main(void *raw) {
    ci_spawner *spawner = raw;
    // Signals go to the other threads: this one only starts processes.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    char tid[24];
    int length = snprintf(tid, sizeof tid, "%ld", (long)syscall(SYS_gettid));
    int error = 0;
    for (int i = 0; i < spawner->count; i++) {
        if (error == 0 && write(spawner->tasks_fds[i], tid, (size_t)length) != length) error = errno != 0 ? errno : EIO;
        close(spawner->tasks_fds[i]);
    }
    pthread_mutex_lock(&spawner->lock);
    spawner->joined = error == 0 ? 1 : -1;
    spawner->join_error = error;
    pthread_cond_broadcast(&spawner->changed);
    for (;;) {
        while (!spawner->stopping && spawner->request == NULL) pthread_cond_wait(&spawner->changed, &spawner->lock);
        // A request made before the stop is still answered, so that no caller waits forever.
        if (spawner->request == NULL) break;
        const ci_spawn_options *request = spawner->request;
        pthread_mutex_unlock(&spawner->lock);
        pid_t pid = 0;
        int result = ci_spawn(request, &pid);
        pthread_mutex_lock(&spawner->lock);
        spawner->pid = pid;
        spawner->result = result;
        spawner->request = NULL;
        pthread_cond_broadcast(&spawner->changed);
    }
    pthread_mutex_unlock(&spawner->lock);
    return NULL;
}

ci_spawner *ci_spawner_start(const int *tasks_fds, int count) {
    if (count < 0 || count > 8) return NULL;
    ci_spawner *spawner = calloc(1, sizeof *spawner);
    if (spawner == NULL) return NULL;
    for (int i = 0; i < count; i++) spawner->tasks_fds[i] = tasks_fds[i];
    spawner->count = count;
    pthread_mutex_init(&spawner->lock, NULL);
    pthread_cond_init(&spawner->changed, NULL);
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    int error = pthread_create(&spawner->thread, &attributes, spawner_main, spawner);
    pthread_attr_destroy(&attributes);
    if (error != 0) {
        pthread_cond_destroy(&spawner->changed);
        pthread_mutex_destroy(&spawner->lock);
        free(spawner);
        return NULL;
    }
    return spawner;
}

int ci_spawner_ready(ci_spawner *spawner) {
    pthread_mutex_lock(&spawner->lock);
    while (spawner->joined == 0) pthread_cond_wait(&spawner->changed, &spawner->lock);
    int error = spawner->joined == 1 ? 0 : (spawner->join_error != 0 ? spawner->join_error : EIO);
    pthread_mutex_unlock(&spawner->lock);
    return error;
}

int ci_spawner_spawn(ci_spawner *spawner, const ci_spawn_options *options, pid_t *out_pid) {
    pthread_mutex_lock(&spawner->lock);
    while (spawner->request != NULL) pthread_cond_wait(&spawner->changed, &spawner->lock);
    if (spawner->stopping) {
        pthread_mutex_unlock(&spawner->lock);
        return ESRCH;
    }
    spawner->request = options;
    pthread_cond_broadcast(&spawner->changed);
    while (spawner->request == options) pthread_cond_wait(&spawner->changed, &spawner->lock);
    int result = spawner->result;
    if (result == 0) *out_pid = spawner->pid;
    pthread_mutex_unlock(&spawner->lock);
    return result;
}

void ci_spawner_stop(ci_spawner *spawner) {
    pthread_mutex_lock(&spawner->lock);
    spawner->stopping = 1;
    pthread_cond_broadcast(&spawner->changed);
    pthread_mutex_unlock(&spawner->lock);
    pthread_join(spawner->thread, NULL);
    pthread_cond_destroy(&spawner->changed);
    pthread_mutex_destroy(&spawner->lock);
    free(spawner);
}

pid_t ci_gettid(void) { return (pid_t)syscall(SYS_gettid); }
