package ca.crim.pavics.jupyter.config.envlocal;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import java.util.List;

/**
 * The birdhouse scheduler jobs that deploy each image's tutorial notebooks with the notebook-deployer image:
 * bash that appends one YAML item per image to the extra-jobs variable, once however often it is sourced.
 */
public final class NotebookDeployJobs {
    public static final String JOB_PREFIX = "notebookdeploy-";

    private final Birdhouse vars;
    private final String deployerImage;

    public NotebookDeployJobs(Birdhouse vars, String deployerImage) {
        this.vars = vars;
        this.deployerImage = deployerImage;
    }

    public static String jobName(ImageEntry image) {
        return JOB_PREFIX + image.folderName();
    }

    public String shell(List<ImageEntry> images) {
        StringBuilder out = new StringBuilder();
        for (ImageEntry image : images) {
            String job = jobName(image);
            String jobs = vars.schedulerJobs();
            out.append("# notebook deploy job of ").append(image.selectionName()).append(" (").append(image.reference())
                    .append("), added once however often this file is sourced\n");
            out.append("case \"${").append(jobs).append("}\" in\n");
            out.append("  *\"- name: ").append(job).append("\n\"*) ;;\n");
            out.append("  *) export ").append(jobs).append("=\"${").append(jobs).append("}\n");
            out.append(yaml(image)).append("\" ;;\n");
            out.append("esac\n");
        }
        return out.toString();
    }

    /** The YAML item of one job, with ${...} references that bash expands when the file is sourced. */
    String yaml(ImageEntry image) {
        return yaml(image, "${" + vars.notebookFrequency() + ":-@every 5m}", "${" + vars.userDataDir() + "}",
                "${" + vars.logDir() + "}", deployerImage);
    }

    /**
     * The YAML item of one job (birdhouse's scheduler job format: name, comment, schedule, command, dockerargs,
     * image), with the schedule, the user data folder, the log folder and the deployer image given as text (values
     * or {@code ${VAR}} references for whoever expands them).
     */
    public static String yaml(ImageEntry image, String schedule, String userDataDir, String logDir, String deployerImage) {
        String job = jobName(image);
        String folder = image.folderName();
        return "- name: " + job + "\n"
                + "  comment: Deploy the tutorial notebooks of " + image.reference() + " (" + image.selectionName() + ")\n"
                + "  schedule: '" + schedule + "'\n"
                + "  command: '--image " + image.reference() + "'\n"
                + "  dockerargs: >-\n"
                + "    --rm --name " + job + "\n"
                + "    --volume " + userDataDir + "/tutorial-notebooks-specific-images/" + folder + ":/notebooks:rw\n"
                + "    --volume " + logDir + ":/logs:rw\n"
                + "    --volume notebookdeploy-cache:/cache:rw\n"
                + "    --env DEPLOY_DATA_JOB_NOTEBOOK_DEST_DIR=/notebooks\n"
                + "    --env DEPLOY_DATA_LOGFILE=/logs/" + job + ".log\n"
                + "    --env DEPLOY_DATA_CHECKOUT_CACHE=/cache\n"
                + "    --user 0:0\n"
                + "  image: '" + deployerImage + "'\n";
    }
}
