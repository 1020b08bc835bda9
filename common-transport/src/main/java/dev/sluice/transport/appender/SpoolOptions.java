package dev.sluice.transport.appender;

/**
 * The {@code Spool} / {@code spool} options of {@link AppenderConfig}, as written; checked by
 * {@link AppenderConfig#resolve}. Defaults: see {@link dev.sluice.transport.spool.SpoolConfig}.
 */
public final class SpoolOptions {

    private String directory;
    private String maxSize;
    private String fsync;
    private String fsyncInterval;

    /** The spool's directory; required. Created when missing. */
    public void setDirectory(String directory) {
        this.directory = directory;
    }

    /** Most octets the spool may take, such as {@code 1 GB} (default). */
    public void setMaxSize(String maxSize) {
        this.maxSize = maxSize;
    }

    /** {@code always}, {@code interval} (default) or {@code never}. */
    public void setFsync(String fsync) {
        this.fsync = fsync;
    }

    /** With {@code fsync=interval}: how often, such as {@code 200ms} (default). */
    public void setFsyncInterval(String fsyncInterval) {
        this.fsyncInterval = fsyncInterval;
    }

    public String getDirectory() {
        return directory;
    }

    public String getMaxSize() {
        return maxSize;
    }

    public String getFsync() {
        return fsync;
    }

    public String getFsyncInterval() {
        return fsyncInterval;
    }
}
