package dev.sparseseg.models.card;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where model cards and ONNX files come from: a directory, or the reference models
 * bundled in this jar (resources under {@code sparseseg/models/}).
 */
public final class ModelSource {
    private static final String BUNDLED = "sparseseg/models/";

    private final Path dir;
    /** Resource prefix of bundled models (their folder in the jar). */
    private final String prefix;

    private ModelSource(Path dir, String prefix) {
        this.dir = dir;
        this.prefix = prefix;
    }

    /** The reference models shipped in the jar. */
    public static ModelSource bundled() {
        return new ModelSource(null, BUNDLED);
    }

    /** The models in {@code dir}, or the bundled ones when {@code dir} is null (as {@code --models} means). */
    public static ModelSource of(Path dir) {
        return dir == null ? bundled() : directory(dir);
    }

    public static ModelSource directory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("models directory " + dir + " does not exist");
        }
        return new ModelSource(dir, null);
    }

    /** The models in the folder {@code name} of this source (a point's {@code model_set}). */
    public ModelSource set(String name) {
        if (dir == null) {
            return new ModelSource(null, prefix + name + "/");
        }
        return directory(dir.resolve(name));
    }

    /** Reads {@code NAME.card.json}. */
    public ModelCard card(String name) {
        String file = name + ".card.json";
        try (InputStream in = open(file)) {
            return ModelCard.parse(in, describe(file));
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model card " + describe(file) + " not found");
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model card " + describe(file) + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of the ONNX file a card names. */
    public byte[] onnxBytes(ModelCard card, String cardName) {
        try (InputStream in = open(card.onnx)) {
            return in.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("ONNX file " + describe(card.onnx) + " named by card "
                    + describe(cardName + ".card.json") + " not found");
        } catch (IOException e) {
            throw new ModelLoadException("cannot read ONNX file " + describe(card.onnx) + ": " + e.getMessage(), e);
        }
    }

    public String describe(String file) {
        return dir == null ? "classpath:" + prefix + file : dir.resolve(file).toString();
    }

    private InputStream open(String file) throws IOException {
        if (dir != null) {
            return Files.newInputStream(dir.resolve(file));
        }
        InputStream in = ModelSource.class.getClassLoader().getResourceAsStream(prefix + file);
        if (in == null) {
            throw new NoSuchFileException(prefix + file);
        }
        return in;
    }

    @Override
    public String toString() {
        return dir == null ? (prefix.equals(BUNDLED) ? "bundled reference models" : "bundled " + prefix) : dir.toString();
    }
}
