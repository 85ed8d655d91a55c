package ca.crim.pavics.jupyter.config.envlocal;

import ca.crim.pavics.jupyter.config.images.ImageEntry;
import java.util.List;

/**
 * The birdhouse scheduler jobs that deploy each image's tutorial notebooks with the notebook-deployer image, as
 * POSIX shell for env.local (birdhouse 1.x and 2.0 to 2.14; 2.15 and later take them as a component).
 *
 * <p>birdhouse's {@code read_configs} reads env.local twice: before the components' {@code default.env} and after
 * (testdata/birdhouse-deploy/README.md). The user data folder ({@code JUPYTERHUB_USER_DATA_DIR}) is a delayed-eval
 * value of the jupyterhub component and the frequency a value of the scheduler component, so on the first read they
 * are empty. The shell therefore adds the jobs only on a read where both are set, and resolves the folders then with
 * the one {@code eval echo} that birdhouse's {@code process_delayed_eval} applies. Two reasons not to leave the text
 * to the delayed evaluation itself: on 1.x it evaluates without quotes, which joins the YAML's lines into one; and
 * adding the shared jobs variable to {@code DELAYED_EVAL} would evaluate the other jobs' text a second time. The
 * scheduler's template step cannot do it either: the jobs variable is substituted in the last {@code envsubst}
 * pass, whose output is not expanded again. Each job is added once however often the file is read.
 */
public final class NotebookDeployJobs {
    public static final String JOB_PREFIX = "notebookdeploy-";
    private static final String DATA_DIR = "PAVICS_JUPYTER_NOTEBOOKDEPLOY_DATA_DIR";
    private static final String LOG_DIR = "PAVICS_JUPYTER_NOTEBOOKDEPLOY_LOG_DIR";

    private final Birdhouse vars;
    private final String deployerImage;

    /**
     * @param vars the names of the server's birdhouse release ({@link BirdhouseGeneration#names()})
     * @param deployerImage the image the jobs run
     */
    public NotebookDeployJobs(Birdhouse vars, String deployerImage) {
        this.vars = vars;
        this.deployerImage = deployerImage;
    }

    public static String jobName(ImageEntry image) {
        return JOB_PREFIX + image.folderName();
    }

    /** The shell that adds one job per image (lines ending with a newline; nothing for no image). */
    public String shell(List<ImageEntry> images) {
        if (images.isEmpty()) {
            return "";
        }
        String jobs = vars.schedulerJobs();
        StringBuilder out = new StringBuilder();
        out.append("# birdhouse reads env.local before the components' default.env and again after: the jobs are added on\n")
                .append("# the read where the jupyterhub component (").append(vars.userDataDir()).append(") and the scheduler\n")
                .append("# component (").append(vars.notebookFrequency()).append(") have been read, once, with the folders resolved as\n")
                .append("# birdhouse's delayed evaluation resolves them.\n");
        out.append("if [ -n \"${").append(vars.userDataDir()).append("}\" ] && [ -n \"${").append(vars.notebookFrequency())
                .append("}\" ]; then\n");
        out.append("  ").append(DATA_DIR).append("=\"$(eval \"echo \\\"${").append(vars.userDataDir()).append("}\\\"\")\"\n");
        out.append("  ").append(LOG_DIR).append("=\"$(eval \"echo \\\"${").append(vars.logDir()).append("}\\\"\")\"\n");
        for (ImageEntry image : images) {
            String job = jobName(image);
            out.append("  # notebook deploy job of ").append(image.selectionName()).append(" (").append(image.reference()).append(")\n");
            out.append("  case \"${").append(jobs).append("}\" in\n");
            out.append("    *\"- name: ").append(job).append("\n\"*) ;;\n");
            out.append("    *) export ").append(jobs).append("=\"${").append(jobs).append("}\n");
            out.append(yaml(image, "${" + vars.notebookFrequency() + "}", "${" + DATA_DIR + "}", "${" + LOG_DIR + "}",
                    deployerImage)).append("\" ;;\n");
            out.append("  esac\n");
        }
        out.append("  unset ").append(DATA_DIR).append(' ').append(LOG_DIR).append("\n");
        out.append("fi\n");
        return out.toString();
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
