package dev.sparseseg.viewer;

import dev.sparseseg.models.card.ModelCard;
import dev.sparseseg.models.card.ModelSource;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The page's class legend: names and colours from the segmenter's model card, the same card the
 * job's encoder takes its palette from (the bundled reference models, or {@code --models DIR}).
 *
 * @param model the card's name, which the job puts in every record's {@code model} header
 */
public record Legend(String model, List<Entry> classes) {

    /** One class: id (the label map's pixel value), name and colour 0xRRGGBB. */
    public record Entry(int id, String name, int colour) {
        public String hex() {
            return String.format("#%06x", colour);
        }
    }

    public Legend {
        classes = List.copyOf(classes);
    }

    public static Legend of(ModelCard card) {
        int[] palette = card.palette();
        return new Legend(card.name, card.classes.stream().sorted(Comparator.comparingInt(c -> c.id))
                .map(c -> new Entry(c.id, c.name, palette[c.id])).toList());
    }

    /** The segmenter card of the bundled models ({@code modelsDir} null) or of a models folder. */
    public static Legend load(Path modelsDir) {
        ModelSource src = ModelSource.of(modelsDir);
        return of(src.card(ModelCard.SEGMENTER));
    }
}
