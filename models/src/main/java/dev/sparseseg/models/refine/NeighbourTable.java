package dev.sparseseg.models.refine;

import dev.sparseseg.models.select.Selection;

import java.util.Arrays;

/**
 * For a submanifold 3x3 convolution over the selected pixels: row i lists the selection
 * indices of pixel i's neighbours (dy outer, dx inner, each -1..1), and N where the
 * neighbour is outside the frame or not selected (the refiner's zero row).
 * Cost is O(N); the frame-sized lookup is reused and reset per call.
 */
public final class NeighbourTable {
    private int[] rowOf = new int[0];

    public long[] build(Selection sel, int width, int height) {
        int n = sel.count();
        int[] px = sel.pixels();
        if (rowOf.length < width * height) {
            rowOf = new int[width * height];
            Arrays.fill(rowOf, -1);
        }
        for (int i = 0; i < n; i++) {
            rowOf[px[i]] = i;
        }
        long[] table = new long[n * 9];
        for (int i = 0; i < n; i++) {
            int x = px[i] % width;
            int y = px[i] / width;
            int k = i * 9;
            for (int dy = -1; dy <= 1; dy++) {
                int yy = y + dy;
                for (int dx = -1; dx <= 1; dx++, k++) {
                    int xx = x + dx;
                    int r = yy >= 0 && yy < height && xx >= 0 && xx < width ? rowOf[yy * width + xx] : -1;
                    table[k] = r >= 0 ? r : n;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            rowOf[px[i]] = -1;
        }
        return table;
    }
}
