package ca.crim.pavics.jupyter.config.envlocal;

/** Variable names of birdhouse-deploy, in the current generation or the older one ({@code --legacy-names}). */
public record Birdhouse(String images, String selectionNames, String allowedImages, String schedulerJobs,
        String notebookFrequency, String logDir, String userDataDir) {
    public static final Birdhouse CURRENT = new Birdhouse("JUPYTERHUB_DOCKER_NOTEBOOK_IMAGES",
            "JUPYTERHUB_IMAGE_SELECTION_NAMES", "JUPYTERHUB_ALLOWED_IMAGES", "BIRDHOUSE_AUTODEPLOY_EXTRA_SCHEDULER_JOBS",
            "BIRDHOUSE_AUTODEPLOY_NOTEBOOK_FREQUENCY", "BIRDHOUSE_LOG_DIR", "JUPYTERHUB_USER_DATA_DIR");
    public static final Birdhouse LEGACY = new Birdhouse("DOCKER_NOTEBOOK_IMAGES",
            "JUPYTERHUB_IMAGE_SELECTION_NAMES", "JUPYTERHUB_ALLOWED_IMAGES", "AUTODEPLOY_EXTRA_SCHEDULER_JOBS",
            "AUTODEPLOY_NOTEBOOK_FREQUENCY", "PAVICS_LOG_DIR", "JUPYTERHUB_USER_DATA_DIR");

    public static Birdhouse of(boolean legacy) {
        return legacy ? LEGACY : CURRENT;
    }
}
