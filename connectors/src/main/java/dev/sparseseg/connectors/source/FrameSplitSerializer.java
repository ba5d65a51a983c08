package dev.sparseseg.connectors.source;

import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/** Checkpoint format of splits (version 1: uri, position) and of the enumerator's pending splits. */
public final class FrameSplitSerializer implements SimpleVersionedSerializer<FrameSplit> {
    static final int VERSION = 1;

    @Override
    public int getVersion() {
        return VERSION;
    }

    @Override
    public byte[] serialize(FrameSplit split) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(split, out);
        }
        return bytes.toByteArray();
    }

    @Override
    public FrameSplit deserialize(int version, byte[] serialized) throws IOException {
        checkVersion(version);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
            return read(in);
        }
    }

    static void write(FrameSplit split, DataOutputStream out) throws IOException {
        out.writeUTF(split.uri());
        out.writeLong(split.position());
    }

    static FrameSplit read(DataInputStream in) throws IOException {
        return new FrameSplit(in.readUTF(), in.readLong());
    }

    static void checkVersion(int version) throws IOException {
        if (version != VERSION) {
            throw new IOException("frame split state version " + version + " is not supported (expected " + VERSION + ")");
        }
    }

    /** The enumerator's checkpoint: splits not yet assigned. */
    public static final class Pending implements SimpleVersionedSerializer<List<FrameSplit>> {
        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(List<FrameSplit> splits) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (FrameSplit s : splits) {
                    write(s, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<FrameSplit> deserialize(int version, byte[] serialized) throws IOException {
            checkVersion(version);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<FrameSplit> splits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    splits.add(read(in));
                }
                return splits;
            }
        }
    }
}
