package dev.sluice.transport.relp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakWatch.class)
class RelpFrameDecoderTest {

    // ---- well-formed input ----

    @Test
    void decodesFrameWithData() {
        assertThat(decodeAll("5 syslog 5 hello\n")).containsExactly(RelpFrame.of(5, "syslog", "hello"));
    }

    @Test
    void decodesFrameWithoutDataWrittenWithoutSpace() {
        assertThat(decodeAll("3 close 0\n")).containsExactly(RelpFrame.of(3, "close"));
    }

    @Test
    void decodesServercloseHintWithTxnrZero() {
        assertThat(decodeAll("0 serverclose 0\n")).containsExactly(RelpFrame.of(0, RelpCommands.SERVERCLOSE));
    }

    @Test
    void decodesLargestTxnr() {
        assertThat(decodeAll("999999999 rsp 6 200 OK\n")).containsExactly(RelpFrame.of(999_999_999, "rsp", "200 OK"));
    }

    @Test
    void acceptsLeadingZerosAsLibrelpDoes() {
        assertThat(decodeAll("007 syslog 003 abc\n")).containsExactly(RelpFrame.of(7, "syslog", "abc"));
    }

    @Test
    void acceptsCommandOfThirtyTwoLetters() {
        String command = "a".repeat(32);
        assertThat(decodeAll("1 " + command + " 0\n")).containsExactly(RelpFrame.of(1, command));
    }

    @Test
    void keepsLfNulAndHighBytesInsideData() {
        byte[] data = {'a', '\n', 0, (byte) 0xff, '\n', ' '};
        ByteBuf in = ByteBufAllocator.DEFAULT.buffer();
        in.writeBytes("9 syslog 6 ".getBytes(ISO_8859_1)).writeBytes(data).writeByte('\n');
        assertThat(decode(new RelpFrameDecoder(), List.of(in))).containsExactly(RelpFrame.of(9, "syslog", data));
    }

    @Test
    void acceptsDataOfExactlyTheMaximum() {
        byte[] data = new byte[RelpFrameDecoder.DEFAULT_MAX_DATA_LENGTH];
        Arrays.fill(data, (byte) 'x');
        ByteBuf in = ByteBufAllocator.DEFAULT.buffer();
        in.writeBytes("1 syslog 131072 ".getBytes(ISO_8859_1)).writeBytes(data).writeByte('\n');
        assertThat(decode(new RelpFrameDecoder(), List.of(in))).containsExactly(RelpFrame.of(1, "syslog", data));
    }

    @Test
    void decodesManyFramesFromOneRead() {
        StringBuilder wire = new StringBuilder();
        List<RelpFrame> expected = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            RelpFrame frame = i % 7 == 0 ? RelpFrame.of(i, "close") : RelpFrame.of(i, "syslog", "message " + i);
            expected.add(frame);
            wire.append(wire(frame));
        }
        assertThat(decodeAll(wire.toString())).containsExactlyElementsOf(expected);
    }

    @Test
    void reusesCommandConstantsInsteadOfNewStrings() {
        List<RelpFrame> frames = decodeAll("1 syslog 1 a\n2 rsp 6 200 OK\n3 open 0\n4 close 0\n0 serverclose 0\n");
        assertThat(frames).extracting(RelpFrame::command).satisfiesExactly(
                c -> assertThat(c).isSameAs(RelpCommands.SYSLOG),
                c -> assertThat(c).isSameAs(RelpCommands.RSP),
                c -> assertThat(c).isSameAs(RelpCommands.OPEN),
                c -> assertThat(c).isSameAs(RelpCommands.CLOSE),
                c -> assertThat(c).isSameAs(RelpCommands.SERVERCLOSE));
    }

    @Test
    void decodesSameFrameWhenSplitAtEveryBytePosition() {
        String wire = "123 syslog 11 hello\nworld\n";
        RelpFrame expected = RelpFrame.of(123, "syslog", "hello\nworld");
        for (int split = 0; split <= wire.length(); split++) {
            List<RelpFrame> frames = decode(new RelpFrameDecoder(),
                    List.of(ascii(wire.substring(0, split)), ascii(wire.substring(split))));
            assertThat(frames).as("split at %d", split).containsExactly(expected);
        }
    }

    @Test
    void decodesSameFramesWhenSequenceIsSplitAtEveryPairOfPositions() {
        List<RelpFrame> expected = List.of(
                RelpFrame.of(1, "open", "relp_version=0\ncommands=syslog"),
                RelpFrame.of(2, "syslog", "<13>1 - - - - - - x"),
                RelpFrame.of(3, "close"),
                RelpFrame.of(0, "serverclose"),
                RelpFrame.of(4, "syslog", "y"));
        StringBuilder sb = new StringBuilder();
        expected.forEach(f -> sb.append(wire(f)));
        String wire = sb.toString();
        for (int a = 0; a <= wire.length(); a++) {
            for (int b = a; b <= wire.length(); b++) {
                List<RelpFrame> frames = decode(new RelpFrameDecoder(), List.of(ascii(wire.substring(0, a)),
                        ascii(wire.substring(a, b)), ascii(wire.substring(b))));
                assertThat(frames).as("splits at %d and %d", a, b).containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void decodesFramesFedOneByteAtATime() {
        String wire = "1 syslog 3 abc\n2 close 0\n3 syslog 1 \n\n";
        List<ByteBuf> pieces = new ArrayList<>();
        for (int i = 0; i < wire.length(); i++) {
            pieces.add(ascii(wire.substring(i, i + 1)));
        }
        assertThat(decode(new RelpFrameDecoder(), pieces)).containsExactly(
                RelpFrame.of(1, "syslog", "abc"), RelpFrame.of(2, "close"), RelpFrame.of(3, "syslog", "\n"));
    }

    @Test
    void dropsIncompleteFrameWhenInputEnds() {
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder());
        channel.writeInbound(ascii("1 syslog 5 hel"));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    // ---- malformed input: one test each, each with its own message, each closing the channel ----

    @Test
    void rejectsTxnrWithTenDigits() {
        assertRejected("1234567890 syslog 0\n", "txnr: too many digits (expected: <= 9)");
    }

    @Test
    void rejectsTxnrWithLetter() {
        assertRejected("12a syslog 0\n", "txnr: 0x61 (expected: digit or SP)");
    }

    @Test
    void rejectsTxnrEndedByTab() {
        assertRejected("12\tsyslog 0\n", "txnr: 0x09 (expected: digit or SP)");
    }

    @Test
    void rejectsEmptyTxnr() {
        assertRejected(" syslog 3 abc\n", "txnr: empty (expected: 1-9 digits)");
    }

    @Test
    void rejectsLeadingSpaceBeforeTxnr() {
        assertRejected(" 1 syslog 0\n", "txnr: empty (expected: 1-9 digits)");
    }

    @Test
    void rejectsNegativeTxnr() {
        assertRejected("-1 syslog 0\n", "txnr: 0x2d (expected: digit)");
    }

    @Test
    void rejectsTxnrWithPlusSign() {
        assertRejected("+1 syslog 0\n", "txnr: 0x2b (expected: digit)");
    }

    @Test
    void rejectsBlankLineBetweenFrames() {
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder());
        assertThatThrownBy(() -> channel.writeInbound(ascii("1 close 0\n\n2 close 0\n")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("txnr: 0x0a (expected: digit)");
        assertThat((RelpFrame) channel.readInbound()).isEqualTo(RelpFrame.of(1, "close"));
        assertClosedAndEmpty(channel);
    }

    @Test
    void rejectsCommandOfThirtyThreeLetters() {
        assertRejected("1 " + "a".repeat(33) + " 0\n", "command: too many letters (expected: <= 32)");
    }

    @Test
    void rejectsCommandWithDigit() {
        assertRejected("1 x1 0\n", "command: 'x1' (expected: 1-32 letters)");
    }

    @Test
    void rejectsCommandWithUnderscore() {
        assertRejected("1 relp_open 0\n", "command: 'relp_' (expected: 1-32 letters)");
    }

    @Test
    void rejectsCommandEndedByLf() {
        assertRejected("1 close\n", "command: 'close\\x0a' (expected: 1-32 letters)");
    }

    @Test
    void rejectsEmptyCommand() {
        assertRejected("1  0\n", "command: empty (expected: 1-32 letters)");
    }

    @Test
    void rejectsDatalenStartingWithLetter() {
        assertRejected("1 syslog x\n", "datalen: 0x78 (expected: digit)");
    }

    @Test
    void rejectsNegativeDatalen() {
        assertRejected("1 syslog -5 abcde\n", "datalen: 0x2d (expected: digit)");
    }

    @Test
    void rejectsDatalenWithLetterAfterDigits() {
        assertRejected("1 syslog 1x\n", "datalen: 0x78 (expected: digit, SP or LF)");
    }

    @Test
    void rejectsEmptyDatalen() {
        assertRejected("1 syslog \n", "datalen: empty (expected: 1-9 digits)");
    }

    @Test
    void rejectsDatalenWithTenDigits() {
        assertRejected("1 syslog 1234567890 x\n", "datalen: too many digits (expected: <= 9)");
    }

    @Test
    void rejectsDatalenAboveMaximum() {
        assertRejected("1 syslog 200000 ", "datalen: 200000 (expected: <= 131072)");
    }

    @Test
    void rejectsDatalenOneAboveMaximum() {
        assertRejected("1 syslog 131073 ", "datalen: 131073 (expected: <= 131072)");
    }

    @Test
    void rejectsDatalenAboveConfiguredMaximum() {
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder(100));
        assertThatThrownBy(() -> channel.writeInbound(ascii("1 syslog 101 ")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("datalen: 101 (expected: <= 100)");
        assertClosedAndEmpty(channel);
    }

    @Test
    void rejectsMissingSpaceBeforeData() {
        assertRejected("1 syslog 5\nhello\n", "datalen: 5 followed by LF (expected: SP and 5 octets)");
    }

    @Test
    void rejectsSpaceAfterDatalenZero() {
        assertRejected("1 close 0 \n", "trailer: 0x20 (expected: LF)");
    }

    @Test
    void rejectsWrongTrailerByte() {
        assertRejected("1 syslog 5 helloA", "trailer: 0x41 (expected: LF)");
    }

    @Test
    void rejectsCrLfTrailer() {
        assertRejected("1 syslog 2 hi\r\n", "trailer: 0x0d (expected: LF)");
    }

    @Test
    void rejectsDataLongerThanDatalen() {
        assertRejected("1 syslog 3 hello\n", "trailer: 0x6c (expected: LF)");
    }

    @Test
    void rejectsMissingTrailerWhenNextFrameFollows() {
        assertRejected("1 syslog 1 a2 close 0\n", "trailer: 0x32 (expected: LF)");
    }

    // ---- behaviour after an error ----

    @Test
    void passesFramesBeforeErrorAndDiscardsEverythingAfter() {
        RelpFrameDecoder decoder = new RelpFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        assertThatThrownBy(() -> channel.writeInbound(ascii("1 syslog 1 a\n2 syslog 1 b\nX 3 syslog 1 c\n")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("txnr: 0x58 (expected: digit)");
        assertThat((RelpFrame) channel.readInbound()).isEqualTo(RelpFrame.of(1, "syslog", "a"));
        assertThat((RelpFrame) channel.readInbound()).isEqualTo(RelpFrame.of(2, "syslog", "b"));
        assertThat(decoder.state()).isEqualTo(RelpFrameDecoder.State.DISCARD);
        assertClosedAndEmpty(channel);
    }

    @Test
    void discardsFurtherInputAfterErrorAndAsksForClose() {
        RelpFrameDecoder decoder = new RelpFrameDecoder();
        AtomicBoolean closeRequested = new AtomicBoolean();
        // Holds the close back, so that we can see what the decoder does with bytes that were already in flight.
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
                closeRequested.set(true);
                promise.setSuccess();
            }
        }, decoder);
        assertThatThrownBy(() -> channel.writeInbound(ascii("x"))).isInstanceOf(RelpProtocolException.class);
        assertThat(closeRequested).isTrue();

        assertThat(channel.writeInbound(ascii("1 syslog 1 a\n"), ascii("garbage"))).isFalse();
        channel.checkException();
        assertThat(decoder.state()).isEqualTo(RelpFrameDecoder.State.DISCARD);
        assertThat(decoder.cumulationCapacity()).isZero();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void letsNextHandlerSeeErrorWhileChannelIsStillOpen() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicBoolean activeWhenSeen = new AtomicBoolean();
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder(), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                seen.set(cause);
                activeWhenSeen.set(ctx.channel().isActive());
            }
        });
        channel.writeInbound(ascii("1 syslog 1x"));
        assertThat(seen.get()).isInstanceOf(RelpProtocolException.class)
                .hasMessage("datalen: 0x78 (expected: digit, SP or LF)");
        assertThat(activeWhenSeen).isTrue();
        assertClosedAndEmpty(channel);
    }

    // ---- allocation: the claimed DATALEN never sizes anything ----

    @Test
    void rejectsHugeDatalenAtOnceWithoutAllocating() {
        CountingAllocator allocator = new CountingAllocator();
        RelpFrameDecoder decoder = new RelpFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(allocator);
        assertThatThrownBy(() -> channel.writeInbound(ascii("1 syslog 999999999 ")))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage("datalen: 999999999 (expected: <= 131072)");
        assertThat(allocator.largestRequest()).isLessThanOrEqualTo(4096);
        assertThat(decoder.dataCapacity()).isZero();
        assertClosedAndEmpty(channel);
    }

    @Test
    void waitsForHugeDatalenWithoutAllocatingIt() {
        CountingAllocator allocator = new CountingAllocator();
        RelpFrameDecoder decoder = new RelpFrameDecoder(RelpFrame.MAX_DATA_LENGTH);
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.config().setAllocator(allocator);

        assertThat(channel.writeInbound(ascii("1 syslog 999999999 "))).isFalse();
        assertThat(decoder.state()).isEqualTo(RelpFrameDecoder.State.DATA);
        assertThat(decoder.dataCapacity()).isZero();

        int arrived = 0;
        for (int i = 0; i < 50; i++) {
            byte[] chunk = new byte[100];
            Arrays.fill(chunk, (byte) 'z');
            assertThat(channel.writeInbound(tracked(chunk, 0, chunk.length))).isFalse();
            arrived += chunk.length;
            assertThat(decoder.dataCapacity()).as("after %d octets", arrived)
                    .isLessThanOrEqualTo(Math.max(1024, 2 * arrived));
            assertThat(decoder.cumulationCapacity()).as("after %d octets", arrived).isLessThanOrEqualTo(4096);
        }
        assertThat(allocator.largestRequest()).isLessThanOrEqualTo(4096);
        assertThat(channel.inboundMessages()).isEmpty();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void growsDataArrayWithArrivedBytesOnlyAndEndsAtExactSize() {
        int length = 100_000;
        byte[] data = new byte[length];
        for (int i = 0; i < length; i++) {
            data[i] = (byte) (i * 31);
        }
        RelpFrameDecoder decoder = new RelpFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(ascii("42 syslog 100000 "));
        for (int offset = 0; offset < length; offset += 777) {
            channel.writeInbound(tracked(data, offset, Math.min(777, length - offset)));
            int arrived = Math.min(offset + 777, length);
            assertThat(decoder.dataCapacity()).isLessThanOrEqualTo(Math.max(1024, 2 * arrived));
        }
        channel.writeInbound(ascii("\n"));
        RelpFrame frame = channel.readInbound();
        assertThat(frame).isEqualTo(RelpFrame.of(42, "syslog", data));
        assertThat(frame.dataArray()).hasSize(length);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void holdsNoBytesInCumulationBetweenReads() {
        RelpFrameDecoder decoder = new RelpFrameDecoder();
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        String wire = "1 syslog 5 hello\n2 close 0\n3 syslog 5 world\n";
        for (int i = 0; i < wire.length(); i += 3) {
            channel.writeInbound(ascii(wire.substring(i, Math.min(i + 3, wire.length()))));
            assertThat(decoder.cumulationCapacity()).isZero();
        }
        assertThat(channel.inboundMessages()).hasSize(3);
        channel.finishAndReleaseAll();
    }

    @Test
    void refusesUnusableMaximum() {
        assertThatThrownBy(() -> new RelpFrameDecoder(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxDataLength: 0 (expected: 1-999999999)");
        assertThatThrownBy(() -> new RelpFrameDecoder(1_000_000_000)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    static ByteBuf ascii(String s) {
        // Through the default allocator, so that paranoid leak detection tracks it (unpooled heap buffers are not).
        return ByteBufAllocator.DEFAULT.buffer(s.length()).writeBytes(s.getBytes(ISO_8859_1));
    }

    static ByteBuf tracked(byte[] bytes, int offset, int length) {
        return ByteBufAllocator.DEFAULT.buffer(length).writeBytes(bytes, offset, length);
    }

    static String wire(RelpFrame frame) {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
        try {
            RelpFrameEncoder.writeFrame(buf, frame);
            return buf.toString(ISO_8859_1);
        } finally {
            buf.release();
        }
    }

    private static List<RelpFrame> decodeAll(String wire) {
        return decode(new RelpFrameDecoder(), List.of(ascii(wire)));
    }

    private static List<RelpFrame> decode(RelpFrameDecoder decoder, List<ByteBuf> pieces) {
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        List<RelpFrame> frames = new ArrayList<>();
        for (ByteBuf piece : pieces) {
            channel.writeInbound(piece);
            for (Object o; (o = channel.readInbound()) != null; ) {
                frames.add((RelpFrame) o);
            }
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return frames;
    }

    private static void assertRejected(String input, String message) {
        EmbeddedChannel channel = new EmbeddedChannel(new RelpFrameDecoder());
        assertThatThrownBy(() -> channel.writeInbound(ascii(input)))
                .isInstanceOf(RelpProtocolException.class)
                .hasMessage(message);
        assertClosedAndEmpty(channel);
    }

    private static void assertClosedAndEmpty(EmbeddedChannel channel) {
        assertThat(channel.isOpen()).as("channel open after a protocol error").isFalse();
        channel.finishAndReleaseAll();
    }
}
