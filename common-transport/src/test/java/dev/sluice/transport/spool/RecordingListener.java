package dev.sluice.transport.spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every report as one line, "kind: details", for assertions. */
final class RecordingListener implements SpoolListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    /** {@link #segmentDropped} reports, "first..last records" (kept apart: a drop is no problem to report). */
    final List<String> dropped = Collections.synchronizedList(new ArrayList<>());

    List<String> of(String kind) {
        return events.stream().filter(e -> e.startsWith(kind + ":")).toList();
    }

    @Override
    public void corruptRegion(Path segment, long offset, long length, String reason, Path quarantinedTo) {
        events.add("corrupt: " + segment.getFileName() + " @" + offset + " +" + length + " " + reason + " -> "
                + quarantinedTo);
    }

    @Override
    public void tornTail(Path segment, long offset, long length, String reason, Path quarantinedTo) {
        events.add("torn: " + segment.getFileName() + " @" + offset + " +" + length + " " + reason);
    }

    @Override
    public void fileQuarantined(Path file, String reason, Path quarantinedTo) {
        events.add("quarantined: " + file.getFileName() + " " + reason + " -> " + quarantinedTo);
    }

    @Override
    public void segmentsMissing(long first, long last) {
        events.add("missing: " + first + ".." + last);
    }

    @Override
    public void segmentDropped(long firstSequenceId, long lastSequenceId, long records) {
        dropped.add(firstSequenceId + ".." + lastSequenceId + " " + records);
    }

    @Override
    public void movedAside(SpoolRecord record) {
        events.add("movedAside: " + record.sequenceId());
    }

    @Override
    public void appendFailed(IOException error) {
        events.add("appendFailed: " + error.getMessage());
    }

    @Override
    public void appendRefused(AppendResult reason) {
        events.add("refused: " + reason);
    }

    @Override
    public void flushFailed(IOException error) {
        events.add("flushFailed: " + error);
    }
}
