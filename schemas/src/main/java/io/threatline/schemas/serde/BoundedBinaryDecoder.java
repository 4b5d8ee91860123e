package io.threatline.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * Avro's binary encoding read from one record held in a byte array, trusting no length the bytes
 * claim. Avro's own {@code BinaryDecoder} allocates what a length prefix asks for before it reads:
 * a 15-byte record claiming a 2 GiB string, or an array of a billion items, makes it allocate that
 * much — an {@link OutOfMemoryError} that no exception handler catches, thrown again for the same
 * record after every restart. Here a string, bytes or fixed value longer than the bytes left, or an
 * array or map block claiming more items than bytes are left, fails as an {@link IOException}
 * before anything is allocated, so decoding one record allocates at most a small multiple of its
 * size and takes time linear in it.
 *
 * <p>The item rule holds for every schema where an item takes at least one byte (a map entry always
 * does: its key is a string). Only an array of {@code null} or of empty records takes none; such
 * an array is bounded the same way, by the record's size in total, which no Threatline schema
 * comes near.
 */
final class BoundedBinaryDecoder extends Decoder {

    private final byte[] buf;
    private final int limit;
    private int pos;
    /** Array and map items still allowed in this record: together they cannot outnumber its bytes. */
    private long itemBudget;

    /** A decoder of one record: {@code length} bytes of {@code data} from {@code offset}. */
    BoundedBinaryDecoder(byte[] data, int offset, int length) {
        this.buf = data;
        this.pos = offset;
        this.limit = offset + length;
        this.itemBudget = length;
    }

    /** Whether every byte of the record was read. */
    boolean isEnd() {
        return pos == limit;
    }

    private int remaining() {
        return limit - pos;
    }

    @Override
    public void readNull() {
        // null takes no bytes
    }

    @Override
    public boolean readBoolean() throws IOException {
        require(1);
        return buf[pos++] == 1;
    }

    @Override
    public int readInt() throws IOException {
        long value = readVarLong(5);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IOException("Invalid int encoding: " + value + " does not fit an int");
        }
        return (int) value;
    }

    @Override
    public long readLong() throws IOException {
        return readVarLong(10);
    }

    /** A zig-zag varint of at most {@code maxBytes} bytes. */
    private long readVarLong(int maxBytes) throws IOException {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            require(1);
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IOException(
                "Invalid " + (maxBytes == 5 ? "int" : "long") + " encoding: more than " + maxBytes + " bytes");
    }

    @Override
    public float readFloat() throws IOException {
        require(4);
        int bits = (buf[pos] & 0xff)
                | (buf[pos + 1] & 0xff) << 8
                | (buf[pos + 2] & 0xff) << 16
                | (buf[pos + 3] & 0xff) << 24;
        pos += 4;
        return Float.intBitsToFloat(bits);
    }

    @Override
    public double readDouble() throws IOException {
        require(8);
        long bits = 0;
        for (int i = 7; i >= 0; i--) {
            bits = (bits << 8) | (buf[pos + i] & 0xff);
        }
        pos += 8;
        return Double.longBitsToDouble(bits);
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = readLength("string");
        Utf8 result = old != null ? old : new Utf8();
        result.setByteLength(length);
        System.arraycopy(buf, pos, result.getBytes(), 0, length);
        pos += length;
        return result;
    }

    @Override
    public String readString() throws IOException {
        int length = readLength("string");
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    @Override
    public void skipString() throws IOException {
        int length = readLength("string");
        pos += length;
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = readLength("bytes");
        ByteBuffer result;
        if (old != null && length <= old.capacity()) {
            result = old;
            result.clear();
        } else {
            result = ByteBuffer.allocate(length);
        }
        result.put(buf, pos, length);
        result.flip();
        pos += length;
        return result;
    }

    @Override
    public void skipBytes() throws IOException {
        int length = readLength("bytes");
        pos += length;
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        require(length);
        System.arraycopy(buf, pos, bytes, start, length);
        pos += length;
    }

    @Override
    public void skipFixed(int length) throws IOException {
        require(length);
        pos += length;
    }

    @Override
    public int readEnum() throws IOException {
        return readInt();
    }

    @Override
    public long readArrayStart() throws IOException {
        return readItemCount();
    }

    @Override
    public long arrayNext() throws IOException {
        return readItemCount();
    }

    @Override
    public long skipArray() throws IOException {
        return skipItems();
    }

    @Override
    public long readMapStart() throws IOException {
        return readItemCount();
    }

    @Override
    public long mapNext() throws IOException {
        return readItemCount();
    }

    @Override
    public long skipMap() throws IOException {
        return skipItems();
    }

    @Override
    public int readIndex() throws IOException {
        return readInt();
    }

    /** A block's item count, its byte size (when given) read past, checked before anyone allocates for it. */
    private long readItemCount() throws IOException {
        long count = readLong();
        if (count < 0) {
            long bytes = readLong();
            if (count == Long.MIN_VALUE || bytes < 0) {
                throw new IOException("Malformed data: block of " + count + " items and " + bytes + " bytes");
            }
            count = -count;
        }
        return grantItems(count);
    }

    /** Skips whole blocks that give their byte size; returns the item count of the first block that does not. */
    private long skipItems() throws IOException {
        long count = readLong();
        while (count < 0) {
            long bytes = readLong();
            if (count == Long.MIN_VALUE || bytes < 0 || bytes > remaining()) {
                throw new IOException(
                        "Malformed data: block of " + bytes + " bytes, " + remaining() + " left in the record");
            }
            grantItems(-count);
            pos += (int) bytes;
            count = readLong();
        }
        return grantItems(count);
    }

    private long grantItems(long count) throws IOException {
        if (count > remaining() || count > itemBudget) {
            throw new IOException("Malformed data: a block claims " + count + " items with " + remaining()
                    + " bytes left in the record");
        }
        itemBudget -= count;
        return count;
    }

    private int readLength(String what) throws IOException {
        long length = readLong();
        if (length < 0) {
            throw new IOException("Malformed data: " + what + " length " + length + " is negative");
        }
        if (length > remaining()) {
            throw new EOFException("Malformed data: " + what + " of " + length + " bytes, only " + remaining()
                    + " left in the record");
        }
        return (int) length;
    }

    private void require(int n) throws IOException {
        if (n < 0 || n > remaining()) {
            throw new EOFException("Malformed data: " + n + " bytes needed, " + remaining() + " left in the record");
        }
    }
}
