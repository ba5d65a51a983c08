package dev.sparseseg.job.stages;

import dev.sparseseg.connectors.frame.FrameFormat;
import dev.sparseseg.connectors.frame.FrameRecord;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.ChainingStrategy;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperatorFactory;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.operators.StreamOperatorParameters;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Decodes the frames that reach the keyed side still encoded (those too large to cross the
 * keyBy as RGB: 1080p and up) in a thread of its own, up to {@link #AHEAD} frames ahead,
 * while the task's thread runs inference on the frames before them; in the task's thread,
 * decoding took a third of each 1080p frame's time. Frames leave in the order they came;
 * frames that need no decoding wait only for those before them.
 *
 * <p>Holds no state: before each checkpoint barrier (and at the end of input) every frame it
 * holds is decoded and passed on, so checkpoints never carry frames. Flink's async I/O
 * operator would keep its in-flight frames as checkpoint state: megabytes per checkpoint at
 * 4K, against the 5 MB the JobManager's in-memory checkpoint storage (the default without a
 * checkpoint directory) takes per state. The decoding thread runs at idle priority
 * ({@link IdlePriority}): it fills the gaps inference leaves, and when the task's thread
 * waits for it, the cores are its own.
 */
public final class DecodeAhead extends AbstractStreamOperator<FrameRecord> implements OneInputStreamOperator<FrameRecord, FrameRecord> {
    /** Frames held at once beyond the one being passed on. */
    static final int AHEAD = 2;

    private final long maxPixels;
    private final MailboxExecutor mailbox;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private transient ExecutorService thread;

    /** A frame in order, decoded or decoding. */
    private record Held(CompletableFuture<FrameRecord> frame, StreamRecord<FrameRecord> element) {
    }

    private DecodeAhead(StreamOperatorParameters<FrameRecord> params, long maxPixels) {
        super(params);
        this.maxPixels = maxPixels;
        this.mailbox = params.getMailboxExecutor();
    }

    @Override
    public void open() throws Exception {
        super.open();
        thread = Executors.newSingleThreadExecutor(IdlePriority.threads(ImageDecoder.IDLE_THREAD_NAME));
    }

    @Override
    public void processElement(StreamRecord<FrameRecord> element) throws Exception {
        FrameRecord r = element.getValue();
        if (r.error != null || r.format != FrameFormat.ENCODED) {
            if (held.isEmpty()) {
                output.collect(element);
                return;
            }
            held.add(new Held(CompletableFuture.completedFuture(r.copy()), copyOf(element)));
        } else {
            // Held past this call, which Flink may reuse the element after: a copy is decoded.
            FrameRecord copy = r.copy();
            CompletableFuture<FrameRecord> f = CompletableFuture.supplyAsync(() -> {
                try {
                    ImageDecoder.decodeHere(copy, maxPixels);
                } catch (Throwable t) {
                    copy.error = "frame " + copy.streamId + "#" + copy.seq + " could not be decoded: " + t;
                }
                return copy;
            }, thread);
            // Passed on from the task's thread as soon as it and the frames before it are decoded.
            f.whenComplete((x, e) -> mailbox.execute(this::passOnDecoded, "pass on decoded frames"));
            held.add(new Held(f, copyOf(element)));
        }
        passOnDecoded();
        while (held.size() > AHEAD) {
            passOnFirst();
        }
    }

    private static StreamRecord<FrameRecord> copyOf(StreamRecord<FrameRecord> e) {
        return e.hasTimestamp() ? new StreamRecord<>(e.getValue(), e.getTimestamp()) : new StreamRecord<>(e.getValue());
    }

    /** Passes on the frames at the head that are decoded, in order. */
    private void passOnDecoded() {
        while (!held.isEmpty() && held.peek().frame().isDone()) {
            Held h = held.poll();
            output.collect(h.element().replace(h.frame().join()));
        }
    }

    /** Waits for the first frame (the mailbox runs meanwhile) and passes it on. */
    private void passOnFirst() throws InterruptedException {
        Held first = held.peek();
        while (!first.frame().isDone()) {
            mailbox.yield();
        }
        passOnDecoded();
    }

    private void passOnAll() throws InterruptedException {
        while (!held.isEmpty()) {
            passOnFirst();
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        passOnAll();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        passOnAll();
        super.processWatermark(mark);
    }

    @Override
    public void finish() throws Exception {
        passOnAll();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        if (thread != null) {
            thread.shutdownNow();
        }
        super.close();
    }

    /** Creates the operator with the task's mailbox, through which decoded frames are passed on. */
    public static final class Factory extends AbstractStreamOperatorFactory<FrameRecord>
            implements OneInputStreamOperatorFactory<FrameRecord, FrameRecord> {
        private final long maxPixels;

        /** @param maxPixels frames declaring more pixels are not decoded: they become dead letters */
        public Factory(long maxPixels) {
            this.maxPixels = maxPixels;
            setChainingStrategy(ChainingStrategy.ALWAYS);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T extends StreamOperator<FrameRecord>> T createStreamOperator(StreamOperatorParameters<FrameRecord> params) {
            return (T) new DecodeAhead(params, maxPixels);
        }

        @Override
        public Class<? extends StreamOperator> getStreamOperatorClass(ClassLoader classLoader) {
            return DecodeAhead.class;
        }
    }
}
