using Npgsql;
using NpgsqlTypes;
using Viaduct.Shared.Eclrs;

namespace Viaduct.Engines.E1.Extractor.Import;

/// <summary>The binary COPY of new rows straight into test_results.</summary>
internal sealed class TestResultCopy : IAsyncDisposable
{
    private readonly NpgsqlBinaryImporter _importer;
    private readonly long _fileId;
    private readonly short _version;

    // Npgsql copies a value into its buffer when it is written, so one array serves every row.
    private readonly byte[] _checksum = new byte[32];

    private TestResultCopy(NpgsqlBinaryImporter importer, long fileId, short version)
    {
        _importer = importer;
        _fileId = fileId;
        _version = version;
    }

    public static async Task<TestResultCopy> BeginAsync(NpgsqlConnection connection, long fileId, short version, CancellationToken cancellationToken)
    {
        var importer = await connection.BeginBinaryImportAsync("""
            COPY test_results (file_id, line_number, checksum, eclrs_version, county_code, raw_data,
                patient_key, last_name, first_name, date_of_birth, accession_number, collected_at, analyzed_at)
            FROM STDIN (FORMAT BINARY)
            """, cancellationToken);
        return new TestResultCopy(importer, fileId, version);
    }

    /// <summary>
    /// Writes the current row of <paramref name="row"/>, which was read again from the file's text. Synchronous
    /// on purpose: the server takes rows slower than they are parsed, and an async write that waits on the
    /// socket every few rows hands the import from thread to thread, costing more CPU than the row itself.
    /// </summary>
    public void Write(EclrsReader row, int lineNumber, RowChecksum checksum)
    {
        var copy = _importer;
        checksum.WriteTo(_checksum);
        copy.StartRow();
        copy.Write(_fileId, NpgsqlDbType.Bigint);
        copy.Write(lineNumber, NpgsqlDbType.Integer);
        copy.Write(_checksum, NpgsqlDbType.Bytea);
        copy.Write(_version, NpgsqlDbType.Smallint);
        copy.Write(row[EclrsColumns.CountyCode], NpgsqlDbType.Text);
        copy.Write(row.RawLine, NpgsqlDbType.Text);
        Text(row[EclrsColumns.PatientKey]);
        Text(row[EclrsColumns.LastName]);
        Text(row[EclrsColumns.FirstName]);
        if (EclrsValue.ParseDate(row.GetSpan(EclrsColumns.DateOfBirth)) is { } dob)
        {
            copy.Write(dob, NpgsqlDbType.Date);
        }
        else
        {
            copy.WriteNull();
        }

        Text(row[EclrsColumns.AccessionNumber]);
        Timestamp(EclrsValue.ParseTimestampUtc(row.GetSpan(EclrsColumns.CollectionDate)));
        Timestamp(EclrsValue.ParseTimestampUtc(row.GetSpan(EclrsColumns.AnalysisDate)));
    }

    public async Task CompleteAsync(CancellationToken cancellationToken) => await _importer.CompleteAsync(cancellationToken);

    public ValueTask DisposeAsync() => _importer.DisposeAsync();

    // A blank field is stored as NULL: "not given", which later engines treat alike whatever the file wrote.
    private void Text(string value)
    {
        if (value.Length == 0)
        {
            _importer.WriteNull();
        }
        else
        {
            _importer.Write(value, NpgsqlDbType.Text);
        }
    }

    // An unparseable date is not a bad row: it is stored empty, and raw_data keeps what the file said.
    private void Timestamp(DateTime? value)
    {
        if (value is { } at)
        {
            _importer.Write(at, NpgsqlDbType.TimestampTz);
        }
        else
        {
            _importer.WriteNull();
        }
    }
}
