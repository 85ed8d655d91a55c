package ca.crim.pavics.jupyter.config.envlocal;

import java.util.List;

/**
 * How a merge moved the entries of the image list: {@code newIndex[i]} is where the entry at index {@code i} went, and
 * {@code added} the indexes of entries that were not there before (appended, or inserted by keep-previous).
 */
record ListPositions(int[] newIndex, List<Integer> added) {
    /** Whether every entry stayed where it was and none was added. */
    boolean unchanged() {
        for (int i = 0; i < newIndex.length; i++) {
            if (newIndex[i] != i) {
                return false;
            }
        }
        return added.isEmpty();
    }
}
