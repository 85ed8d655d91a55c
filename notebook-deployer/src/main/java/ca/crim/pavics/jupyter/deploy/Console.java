package ca.crim.pavics.jupyter.deploy;

/** Where the deployer reports: one line per message. */
public interface Console {
    void info(String line);

    void warn(String line);

    void error(String line);
}
