package dev.sparseseg.job.stages;

import org.apache.flink.api.common.functions.RuntimeContext;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the stage operators of one pipeline share within a TaskManager: the ONNX sessions
 * (loaded once per pipeline, not once per operator) and the latency budget. Chained operators
 * of one subtask run in one thread and find the same instance by slot, job, task, subtask and
 * attempt. Reference-counted: the last operator to release an instance closes it.
 */
final class PipelineShared {
    private static final Map<String, Held> HELD = new HashMap<>();

    private static final class Held {
        final Object value;
        int users;

        Held(Object value) {
            this.value = value;
        }
    }

    private PipelineShared() {
    }

    /**
     * The key of {@code what} for the operators chained in this subtask: one thread, so they
     * may share objects that are not thread-safe ({@link dev.sparseseg.models.engine.Models}).
     */
    static String chainKey(RuntimeContext ctx, String what) {
        return slotKey(ctx, what) + "/" + ctx.getTaskInfo().getTaskName();
    }

    /**
     * The key of {@code what} for every stage operator of this subtask in this slot, chained or
     * not: refinement split into the same slot shares it with the chain (thread-safe objects only).
     */
    static String slotKey(RuntimeContext ctx, String what) {
        return what + "/" + ctx.getTaskInfo().getAllocationIDAsString() + "/" + ctx.getJobInfo().getJobId() + "/"
                + ctx.getTaskInfo().getIndexOfThisSubtask() + "/" + ctx.getTaskInfo().getAttemptNumber();
    }

    /** The instance under {@code key}, made by {@code create} for its first user. */
    @SuppressWarnings("unchecked")
    static <T> T acquire(String key, Supplier<T> create) {
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h == null) {
                // Loading under the lock: the other operators of the pipeline wait for it anyway.
                h = new Held(create.get());
                HELD.put(key, h);
            }
            h.users++;
            return (T) h.value;
        }
    }

    /** Drops one user of {@code key}; the last one closes the instance if it is closeable. */
    static void release(String key) throws Exception {
        Object last = null;
        synchronized (HELD) {
            Held h = HELD.get(key);
            if (h != null && --h.users == 0) {
                HELD.remove(key);
                last = h.value;
            }
        }
        if (last instanceof AutoCloseable c) {
            c.close();
        }
    }

    /** Users of {@code key} (tests). */
    static int users(String key) {
        synchronized (HELD) {
            Held h = HELD.get(key);
            return h == null ? 0 : h.users;
        }
    }
}
