using System.Buffers.Binary;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>A row's SHA-256 as a value, so that hundreds of thousands fit in a set without a byte array each.</summary>
internal readonly record struct RowChecksum(UInt128 High, UInt128 Low) : IComparable<RowChecksum>
{
    public static RowChecksum From(ReadOnlySpan<byte> sha256) =>
        new(BinaryPrimitives.ReadUInt128BigEndian(sha256), BinaryPrimitives.ReadUInt128BigEndian(sha256[16..]));

    /// <summary>
    /// Orders checksums as PostgreSQL orders their bytea values (the halves are big-endian, so comparing the numbers
    /// compares the bytes): the order abouts' primary key is kept in. As the default order, sorting needs no delegate.
    /// </summary>
    public int CompareTo(RowChecksum other) =>
        High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    public byte[] ToArray()
    {
        var bytes = new byte[32];
        WriteTo(bytes);
        return bytes;
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt128BigEndian(destination, High);
        BinaryPrimitives.WriteUInt128BigEndian(destination[16..], Low);
    }
}
