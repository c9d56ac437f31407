using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Viaduct.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "about_sightings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    file_id = table.Column<long>(type: "bigint", nullable: false),
                    seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    row_count = table.Column<int>(type: "integer", nullable: false),
                    checksums = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_about_sightings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "abouts",
                columns: table => new
                {
                    checksum = table.Column<byte[]>(type: "bytea", nullable: false),
                    first_file_id = table.Column<long>(type: "bigint", nullable: false),
                    last_file_id = table.Column<long>(type: "bigint", nullable: false),
                    first_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    last_seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_abouts", x => x.checksum);
                })
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.CreateTable(
                name: "bad_rows",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    file_id = table.Column<long>(type: "bigint", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    raw_data = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_bad_rows", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    occurred_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    engine = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    subject_type = table.Column<string>(type: "text", nullable: false),
                    subject_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "files",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    bucket = table.Column<string>(type: "text", nullable: false),
                    object_key = table.Column<string>(type: "text", nullable: false),
                    etag = table.Column<string>(type: "text", nullable: false),
                    version_id = table.Column<string>(type: "text", nullable: true),
                    size_bytes = table.Column<long>(type: "bigint", nullable: true),
                    content_sha256 = table.Column<byte[]>(type: "bytea", nullable: true),
                    eclrs_version = table.Column<short>(type: "smallint", nullable: true),
                    state = table.Column<string>(type: "text", nullable: false, defaultValue: "received"),
                    duplicate_of_file_id = table.Column<long>(type: "bigint", nullable: true),
                    row_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    new_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    duplicate_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    bad_count = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    county_stats = table.Column<string>(type: "jsonb", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false, defaultValue: 0),
                    claimed_by = table.Column<string>(type: "text", nullable: true),
                    error = table.Column<string>(type: "text", nullable: true),
                    received_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    processing_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    failed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_files", x => x.id);
                    table.CheckConstraint("ck_files_state", "state IN ('received', 'processing', 'processed', 'duplicate', 'failed')");
                    table.ForeignKey(
                        name: "fk_files_files_duplicate_of_file_id",
                        column: x => x.duplicate_of_file_id,
                        principalTable: "files",
                        principalColumn: "id");
                });

            migrationBuilder.CreateTable(
                name: "test_results",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    file_id = table.Column<long>(type: "bigint", nullable: false),
                    line_number = table.Column<int>(type: "integer", nullable: false),
                    checksum = table.Column<byte[]>(type: "bytea", nullable: false),
                    eclrs_version = table.Column<short>(type: "smallint", nullable: false),
                    county_code = table.Column<string>(type: "text", nullable: false),
                    patient_key = table.Column<string>(type: "text", nullable: true),
                    last_name = table.Column<string>(type: "text", nullable: true),
                    first_name = table.Column<string>(type: "text", nullable: true),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: true),
                    accession_number = table.Column<string>(type: "text", nullable: true),
                    collected_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    analyzed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    raw_data = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_test_results", x => x.id);
                });

            // Checksums are random bytes: keep them out of line without trying to compress them.
            migrationBuilder.Sql("ALTER TABLE about_sightings ALTER COLUMN checksums SET STORAGE EXTERNAL");

            migrationBuilder.CreateIndex(
                name: "ix_about_sightings_seen_at",
                table: "about_sightings",
                column: "seen_at");

            migrationBuilder.CreateIndex(
                name: "ix_bad_rows_file_id_line_number",
                table: "bad_rows",
                columns: new[] { "file_id", "line_number" });

            migrationBuilder.CreateIndex(
                name: "ix_events_subject_type_subject_id",
                table: "events",
                columns: new[] { "subject_type", "subject_id" });

            migrationBuilder.CreateIndex(
                name: "ix_files_bucket_object_key_etag",
                table: "files",
                columns: new[] { "bucket", "object_key", "etag" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_files_content_sha256",
                table: "files",
                column: "content_sha256",
                unique: true,
                filter: "state = 'processed'");

            migrationBuilder.CreateIndex(
                name: "ix_files_duplicate_of_file_id",
                table: "files",
                column: "duplicate_of_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_files_unfinished",
                table: "files",
                column: "received_at",
                filter: "state IN ('received', 'processing')");

            migrationBuilder.CreateIndex(
                name: "ix_test_results_file_id",
                table: "test_results",
                column: "file_id")
                .Annotation("Npgsql:IndexMethod", "brin");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "about_sightings");

            migrationBuilder.DropTable(
                name: "abouts");

            migrationBuilder.DropTable(
                name: "bad_rows");

            migrationBuilder.DropTable(
                name: "events");

            migrationBuilder.DropTable(
                name: "files");

            migrationBuilder.DropTable(
                name: "test_results");
        }
    }
}
