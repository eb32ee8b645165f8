# goluxid's warm-start helper: loads Ganeti's job executor (exec.py) once,
# then forks one job process per request of goluxid, so that a job does not
# wait for Python to start and import the executor.
#
# goluxid runs it as: python3 -c <read this file from fd 4> <exec.py> 3
#
# The control fd is a SOCK_SEQPACKET Unix socket to goluxid. The helper sends
# "ready" once exec.py is loaded. Each request is a job id with two file
# descriptors attached (the job process's stdin and stdout); the reply is
# "pid <pid>" with a pidfd of the new process attached, or "error <text>".
# The helper exits when goluxid closes the socket; running jobs go on.
#
# The forked child runs exec.py's own main() as `python3 exec.py <job id>`
# would: its argv, stdin, stdout and environment are the same, SIGCHLD is at
# its default disposition and unblocked, and it leads its own process group.
import importlib.util
import os
import signal
import socket
import sys
import traceback


def load_executor(path):
    spec = importlib.util.spec_from_file_location("goluxid_job_executor", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reap_children(_signum, _frame):
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_job(executor, exec_path, job_id, stdin_fd, stdout_fd, control):
    """Runs in the forked child; never returns."""
    code = 1
    try:
        control.close()
        os.dup2(stdin_fd, 0)
        os.dup2(stdout_fd, 1)
        for fd in (stdin_fd, stdout_fd):
            if fd > 2:
                os.close(fd)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.setpgid(0, 0)
        sys.argv = [exec_path, str(job_id)]
        executor.main()
        code = 0
    except SystemExit as exit_request:
        if exit_request.code is None:
            code = 0
        elif isinstance(exit_request.code, int):
            code = exit_request.code
        else:
            sys.stderr.write("%s\n" % (exit_request.code,))
    except BaseException:  # pylint: disable=W0703
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # pylint: disable=W0703
                pass
        os._exit(code)


def serve(executor, exec_path, control):
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 64, 2)
        except ConnectionError:
            return
        if not message:
            return
        try:
            job_id = int(message)
            if len(fds) != 2:
                raise ValueError("expected 2 descriptors, got %d" % len(fds))
        except ValueError as err:
            for fd in fds:
                os.close(fd)
            control.send(("error %s" % err).encode())
            continue
        spawn(executor, exec_path, job_id, fds, control)


def spawn(executor, exec_path, job_id, fds, control):
    # SIGCHLD stays blocked until the pidfd is open, so that the new child
    # cannot be reaped (and its pid reused) before goluxid holds it.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGCHLD])
    pidfd = None
    try:
        pid = os.fork()
        if pid == 0:
            run_job(executor, exec_path, job_id, fds[0], fds[1], control)
        pidfd = os.pidfd_open(pid)
    except OSError as err:
        control.send(("error %s" % err).encode())
        return
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGCHLD])
        for fd in fds:
            os.close(fd)
    try:
        socket.send_fds(control, [("pid %d" % pid).encode()], [pidfd])
    finally:
        os.close(pidfd)


def main():
    exec_path = sys.argv[1]
    control = socket.socket(fileno=int(sys.argv[2]))
    executor = load_executor(exec_path)
    signal.signal(signal.SIGCHLD, reap_children)
    control.send(b"ready")
    serve(executor, exec_path, control)


main()
