package dev.sparseseg.job.stages;

import com.sun.jna.Native;
import com.sun.jna.Platform;

import java.util.concurrent.ThreadFactory;

/**
 * Linux's SCHED_IDLE for the calling thread: the kernel runs it only on a core that nothing
 * else wants, and a waking thread of normal priority takes the core back at once. Decoding
 * that runs so fills the gaps inference leaves instead of delaying its parallel operators.
 */
final class IdlePriority {
    private static final System.Logger LOG = System.getLogger(IdlePriority.class.getName());
    private static final int SCHED_IDLE = 5;
    private static final boolean AVAILABLE = register();

    private IdlePriority() {
    }

    private static boolean register() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            Native.register(IdlePriority.class, Platform.C_LIBRARY_NAME);
            return true;
        } catch (LinkageError | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "SCHED_IDLE unavailable ({0}); decoding at normal priority", e.getMessage());
            return false;
        }
    }

    /** Puts the calling thread on SCHED_IDLE; false (and the thread unchanged) where that is not possible. */
    static boolean lowerCurrentThread() {
        if (!AVAILABLE) {
            return false;
        }
        // pid 0: the calling thread. Lowering needs no privileges; raising it back would.
        if (sched_setscheduler(0, SCHED_IDLE, new int[] {0}) != 0) {
            LOG.log(System.Logger.Level.INFO, "sched_setscheduler(SCHED_IDLE) failed (errno {0}); decoding at normal priority",
                    Native.getLastError());
            return false;
        }
        return true;
    }

    /** Daemon threads named {@code name} that put themselves on SCHED_IDLE before their first task. */
    static ThreadFactory threads(String name) {
        return task -> {
            Thread t = new Thread(() -> {
                lowerCurrentThread();
                task.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    private static native int sched_setscheduler(int pid, int policy, int[] param);
}
