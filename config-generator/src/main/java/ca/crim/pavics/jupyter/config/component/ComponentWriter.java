package ca.crim.pavics.jupyter.config.component;

import ca.crim.pavics.jupyter.image.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Writes a component's files into a folder: only those whose content changed, each atomically; nothing else is touched. */
public final class ComponentWriter {
    private ComponentWriter() {
    }

    /**
     * @return the files written (relative paths), empty when the folder already held exactly these files
     * @throws IOException a file that cannot be written (the message names it)
     */
    public static List<String> write(Path dir, Map<String, String> files) throws IOException {
        List<String> written = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path target = dir.resolve(f.getKey());
            byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
            try {
                if (Files.isRegularFile(target) && java.util.Arrays.equals(Files.readAllBytes(target), content)) {
                    continue;
                }
                Files.createDirectories(target.getParent());
                AtomicFiles.write(target, content);
            } catch (IOException e) {
                throw new IOException(target + ": cannot write it (" + e.getClass().getSimpleName().replace("Exception", "")
                        .replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT) + ")", e);
            }
            written.add(f.getKey());
        }
        return written;
    }
}
