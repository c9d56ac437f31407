using Npgsql;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>The binary COPY of new rows straight into test_results.</summary>
internal sealed class TestResultCopy : IAsyncDisposable
{
    private const short Fields = 13;
    private readonly BinaryCopyWriter _copy;
    private readonly long _fileId;
    private readonly short _version;
    private readonly byte[] _checksum = new byte[32];

    private TestResultCopy(BinaryCopyWriter copy, long fileId, short version)
    {
        _copy = copy;
        _fileId = fileId;
        _version = version;
    }

    public static async Task<TestResultCopy> BeginAsync(NpgsqlConnection connection, long fileId, short version, CancellationToken cancellationToken)
    {
        var copy = await BinaryCopyWriter.BeginAsync(connection, """
            COPY test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data,
                patient_key, last_name, first_name, date_of_birth, accession_number, collected_at, analyzed_at)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        return new TestResultCopy(copy, fileId, version);
    }

    /// <summary>
    /// Writes the current row of <paramref name="row"/>. A blank field is stored as NULL: "not given", which later
    /// engines treat alike whatever the file wrote. An unparseable date is not a bad row: it is stored empty, and
    /// raw_data keeps what the file said.
    /// </summary>
    public void Write(EclrsReader row, int lineNumber, RowChecksum checksum)
    {
        var copy = _copy;
        checksum.WriteTo(_checksum);
        copy.StartRow(Fields);
        copy.WriteInt64(_fileId);
        copy.WriteInt32(lineNumber);
        copy.WriteBytes(_checksum);
        copy.WriteInt16(_version);
        copy.WriteText(row.GetSpan(EclrsColumns.CountyCode));
        copy.WriteText(row.RawSpan);
        copy.WriteText(row.GetSpan(EclrsColumns.PatientKey), emptyAsNull: true);
        copy.WriteText(row.GetSpan(EclrsColumns.LastName), emptyAsNull: true);
        copy.WriteText(row.GetSpan(EclrsColumns.FirstName), emptyAsNull: true);
        copy.WriteDate(EclrsValue.ParseDate(row.GetSpan(EclrsColumns.DateOfBirth)));
        copy.WriteText(row.GetSpan(EclrsColumns.AccessionNumber), emptyAsNull: true);
        copy.WriteTimestampTz(EclrsValue.ParseTimestampUtc(row.GetSpan(EclrsColumns.CollectionDate)));
        copy.WriteTimestampTz(EclrsValue.ParseTimestampUtc(row.GetSpan(EclrsColumns.AnalysisDate)));
    }

    public Task CompleteAsync(CancellationToken cancellationToken) => _copy.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => _copy.DisposeAsync();
}
