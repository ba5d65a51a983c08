package dev.sparseseg.models.runtime;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.card.ModelLoadException;
import dev.sparseseg.models.card.ModelSource;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session with its card. Runs float tensors in, float tensors out;
 * every native tensor and result is closed before {@link #run} returns.
 *
 * <p>Not thread-safe by contract (buffers are reused): one instance per operator.
 */
public final class OnnxModel implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(OnnxModel.class.getName());

    private final ModelCard card;
    private final String file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<String> inputNames;
    private final List<String> outputNames;
    private final Map<String, long[]> inputShapes = new LinkedHashMap<>();
    private final Map<String, long[]> outputShapes = new LinkedHashMap<>();
    private final Device device;
    /** Direct buffers of the calls that may run at once: slot 0 for {@link #run}, one per part of {@link #runRows}. */
    private Buffers[] slots = {new Buffers()};
    private boolean closed;

    private OnnxModel(ModelCard card, String file, OrtEnvironment env, OrtSession session, Device device) throws OrtException {
        this.card = card;
        this.file = file;
        this.env = env;
        this.session = session;
        this.device = device;
        this.inputNames = new ArrayList<>(session.getInputNames());
        this.outputNames = new ArrayList<>(session.getOutputNames());
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            inputShapes.put(e.getKey(), shapeOf(e.getValue()));
        }
        for (Map.Entry<String, NodeInfo> e : session.getOutputInfo().entrySet()) {
            outputShapes.put(e.getKey(), shapeOf(e.getValue()));
        }
    }

    /**
     * Loads the model a card names, on {@code device} (CPU fallback with a warning if CUDA is
     * missing); {@code spin}: see {@code EngineConfig.spin}.
     */
    public static OnnxModel load(ModelSource source, String cardName, Device device, int threads, boolean spin) {
        ModelCard card = source.card(cardName);
        String file = source.describe(card.onnx);
        byte[] bytes = source.onnxBytes(card, cardName);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            opts.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            // Spinning pool threads keep the cores busy between operators: off unless asked, so that
            // decoding and encoding threads beside inference get them.
            opts.addConfigEntry("session.intra_op.allow_spinning", spin ? "1" : "0");
            Device used = device.cuda() ? addCuda(opts, device) : Device.CPU;
            OrtSession session;
            try {
                session = env.createSession(bytes, opts);
            } catch (OrtException e) {
                throw new ModelLoadException("ONNX file " + file + " cannot be loaded (corrupt or not an ONNX model): "
                        + e.getMessage(), e);
            }
            return new OnnxModel(card, file, env, session, used);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Device addCuda(OrtSession.SessionOptions opts, Device device) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            LOG.log(System.Logger.Level.WARNING, "CUDA requested ({0}) but this ONNX Runtime build has no CUDA provider "
                    + "(build with -Pgpu); running on CPU", device);
            return Device.CPU;
        }
        try {
            opts.addCUDA(device.index());
            return device;
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "CUDA device {0} unavailable ({1}); running on CPU", device, e.getMessage());
            return Device.CPU;
        }
    }

    private static long[] shapeOf(NodeInfo info) {
        return info.getInfo() instanceof TensorInfo t ? t.getShape() : new long[0];
    }

    public ModelCard card() {
        return card;
    }

    /** The ONNX file, for messages. */
    public String file() {
        return file;
    }

    public Device device() {
        return device;
    }

    public List<String> inputNames() {
        return inputNames;
    }

    public List<String> outputNames() {
        return outputNames;
    }

    /** Declared shape of an input, -1 for dynamic axes. */
    public long[] inputShape(String name) {
        return inputShapes.get(name);
    }

    public long[] outputShape(String name) {
        return outputShapes.get(name);
    }

    /** One input tensor: float or int64 data with its shape. */
    public record Input(float[] floats, long[] longs, long[] shape) {
        public static Input of(float[] data, long... shape) {
            return new Input(data, null, shape);
        }

        public static Input ofLongs(long[] data, long... shape) {
            return new Input(null, data, shape);
        }
    }

    /** Convenience for models whose inputs are all float. */
    public float[] run(float[][] inputs, long[][] shapes, float[] out, long[][] shapeOut) {
        Input[] in = new Input[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            in[i] = Input.of(inputs[i], shapes[i]);
        }
        return run(in, out, shapeOut);
    }

    /**
     * Runs the model (inputs in the model's input order) and returns the first output,
     * copied into {@code out} (grown if too small). The output's shape goes to {@code shapeOut}.
     */
    public float[] run(Input[] inputs, float[] out, long[][] shapeOut) {
        List<OnnxTensor> tensors = new ArrayList<>(inputs.length);
        try {
            try (OrtSession.Result result = session.run(feed(inputs, 0, slots[0], tensors))) {
                OnnxTensor o = (OnnxTensor) result.get(0);
                long[] shape = o.getInfo().getShape();
                int n = Math.toIntExact(product(shape));
                float[] dst = out != null && out.length >= n ? out : new float[n];
                o.getFloatBuffer().get(dst, 0, n);
                if (shapeOut != null) {
                    shapeOut[0] = shape;
                }
                return dst;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("inference failed in " + file + ": " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    /**
     * As {@link #run(Input[], float[], long[][])} for a caller that knows the first output's
     * shape (the [N, C] rows of the refiner and the ensembler): ONNX Runtime writes it into a
     * direct buffer reused across calls, instead of a new one per call that is then copied
     * (0.8 ms per call at N = 30,000, and direct-memory churn).
     */
    public float[] run(Input[] inputs, long[] outputShape) {
        float[] dst = new float[Math.toIntExact(product(outputShape))];
        runPinned(inputs, 0, outputShape, slots[0], dst, 0);
        return dst;
    }

    /**
     * Rows per call of {@link #runRows}. At 4K (150,000 refined rows) blocks of 8192 took the
     * refiner from about 500 to 250-300 ns per row and the sparse p99 from 1.2-2 s to under
     * 0.3 s: whole-frame calls stream every intermediate through memory and grow ONNX
     * Runtime's arena whenever a frame has more rows than any before it.
     */
    static final int ROW_BLOCK = 8192;
    static final int MIN_BLOCK = 1024;

    /**
     * As {@link #run(Input[], long[])} for a model whose rows are independent ({@code [N, k]}
     * float inputs, {@code [N, outColumns]} out, like the point refiner and the ensembler):
     * {@link #ROW_BLOCK} rows per call, so that each block's intermediates stay in cache, and
     * the blocks shared among {@code work}'s threads, each call on one thread. These models'
     * operators are too small for ONNX Runtime's own threads to pay (one thread ran them as
     * fast as two); whole blocks side by side do.
     */
    public float[] runRows(Input[] inputs, int n, int outColumns, PixelWork work) {
        float[] dst = new float[n * outColumns];
        // Fewer rows than a block per thread (1080p refines about 20,000-60,000): smaller blocks,
        // so that every thread gets some, down to where a call costs more than it saves.
        int block = Math.max(MIN_BLOCK, Math.min(ROW_BLOCK, (n + work.threads() - 1) / work.threads()));
        int blocks = (n + block - 1) / block;
        int parts = Math.min(work.threads(), blocks);
        if (slots.length < parts) {
            Buffers[] more = java.util.Arrays.copyOf(slots, parts);
            for (int p = slots.length; p < parts; p++) {
                more[p] = new Buffers();
            }
            slots = more;
        }
        Buffers[] use = slots;
        work.forRange(parts, 1, (from, to) -> {
            for (int p = from; p < to; p++) {
                for (int b = blocks * p / parts; b < blocks * (p + 1) / parts; b++) {
                    runBlock(inputs, b * block, Math.min(block, n - b * block), outColumns, use[p], dst);
                }
            }
        });
        return dst;
    }

    /** Rows {@code [first, first + rows)} of {@code inputs} through the model into the same rows of {@code dst}. */
    private void runBlock(Input[] inputs, int first, int rows, int outColumns, Buffers slot, float[] dst) {
        Input[] part = new Input[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            part[i] = new Input(inputs[i].floats(), null, new long[] {rows, inputs[i].shape()[1]});
        }
        runPinned(part, first, new long[] {rows, outColumns}, slot, dst, first * outColumns);
    }

    /**
     * Runs the model on {@code inputs} from row {@code firstRow}, ONNX Runtime writing the first
     * output straight into {@code slot}'s output buffer, and copies it into {@code dst} from
     * {@code dstOffset}.
     */
    private void runPinned(Input[] inputs, int firstRow, long[] outputShape, Buffers slot, float[] dst, int dstOffset) {
        int n = Math.toIntExact(product(outputShape));
        List<OnnxTensor> tensors = new ArrayList<>(inputs.length + 1);
        try {
            Map<String, OnnxTensor> feed = feed(inputs, firstRow, slot, tensors);
            ByteBuffer out = slot.output.get(n * Float.BYTES);
            FloatBuffer view = out.asFloatBuffer();
            view.limit(n);
            OnnxTensor pinned = OnnxTensor.createTensor(env, view, outputShape);
            tensors.add(pinned);
            try (OrtSession.Result ignored = session.run(feed, Map.of(outputNames.get(0), pinned))) {
                out.clear().asFloatBuffer().get(dst, dstOffset, n);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("inference failed in " + file + ": " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    /**
     * Input tensors over {@code slot}'s direct buffers, keyed by the model's input names, from
     * row {@code firstRow} of each input; each also goes to {@code opened}.
     */
    private Map<String, OnnxTensor> feed(Input[] inputs, int firstRow, Buffers slot, List<OnnxTensor> opened) throws OrtException {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            Input in = inputs[i];
            int n = Math.toIntExact(product(in.shape()));
            OnnxTensor t;
            if (in.floats() != null) {
                FloatBuffer buf = slot.input(i, n * Float.BYTES).asFloatBuffer();
                buf.limit(n);
                buf.put(in.floats(), firstRow == 0 ? 0 : firstRow * Math.toIntExact(in.shape()[1]), n).flip();
                t = OnnxTensor.createTensor(env, buf, in.shape());
            } else {
                LongBuffer buf = slot.input(i, n * Long.BYTES).asLongBuffer();
                buf.limit(n);
                buf.put(in.longs(), 0, n).flip();
                t = OnnxTensor.createTensor(env, buf, in.shape());
            }
            opened.add(t);
            feed.put(inputNames.get(i), t);
        }
        return feed;
    }

    /** The direct buffers one call at a time uses: one per input, one for the output. */
    private static final class Buffers {
        private DirectBuffer[] inputs = new DirectBuffer[0];
        private final DirectBuffer output = new DirectBuffer();

        ByteBuffer input(int i, int bytes) {
            if (inputs.length <= i) {
                inputs = java.util.Arrays.copyOf(inputs, i + 1);
            }
            if (inputs[i] == null) {
                inputs[i] = new DirectBuffer();
            }
            return inputs[i].get(bytes);
        }
    }

    static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Refuses the model unless {@code check} holds, naming the file and the mismatch. */
    public void require(boolean check, String mismatch) {
        if (!check) {
            close();
            throw new ModelLoadException("ONNX file " + file + " does not match its card (" + card.name + "): " + mismatch);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            LOG.log(System.Logger.Level.WARNING, "closing " + file + ": " + e.getMessage());
        }
    }
}
