using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Viaduct.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Transform : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "transformed_at",
                table: "test_results",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "transformed_by",
                table: "test_results",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "counties",
                columns: table => new
                {
                    fips = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    domain = table.Column<string>(type: "text", nullable: false),
                    location_id = table.Column<string>(type: "text", nullable: false),
                    participating = table.Column<bool>(type: "boolean", nullable: false),
                    statewide = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_counties", x => x.fips);
                });

            migrationBuilder.CreateTable(
                name: "merge_conflicts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    subject_type = table.Column<string>(type: "text", nullable: false),
                    subject_id = table.Column<long>(type: "bigint", nullable: false),
                    property = table.Column<string>(type: "text", nullable: false),
                    existing_value = table.Column<string>(type: "text", nullable: false),
                    incoming_value = table.Column<string>(type: "text", nullable: false),
                    test_result_id = table.Column<long>(type: "bigint", nullable: false),
                    engine = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_merge_conflicts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "people",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    patient_keys = table.Column<string[]>(type: "text[]", nullable: false, defaultValueSql: "'{}'"),
                    identity_key = table.Column<string>(type: "text", nullable: true),
                    last_name = table.Column<string>(type: "text", nullable: true),
                    first_name = table.Column<string>(type: "text", nullable: true),
                    date_of_birth = table.Column<DateOnly>(type: "date", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_people", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "transform_outcomes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    test_result_id = table.Column<long>(type: "bigint", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: true),
                    person_id = table.Column<long>(type: "bigint", nullable: true),
                    index_case_ids = table.Column<long[]>(type: "bigint[]", nullable: false),
                    engine = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    recorded_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transform_outcomes", x => x.id);
                    table.CheckConstraint("ck_transform_outcomes_outcome", "outcome IN ('transformed', 'no_new_information', 'ignored', 'failed')");
                });

            migrationBuilder.CreateTable(
                name: "index_cases",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    person_id = table.Column<long>(type: "bigint", nullable: false),
                    county_fips = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    case_id = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "jsonb", nullable: false),
                    closed = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    registered_in_error = table.Column<bool>(type: "boolean", nullable: false, defaultValue: false),
                    transfer_state = table.Column<string>(type: "text", nullable: false, defaultValue: "none"),
                    transfer_destination_fips = table.Column<string>(type: "text", nullable: true),
                    transfer_source_case_id = table.Column<string>(type: "text", nullable: true),
                    postable = table.Column<bool>(type: "boolean", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false, defaultValue: 1),
                    changed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_by = table.Column<string>(type: "text", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_index_cases", x => x.id);
                    table.CheckConstraint("ck_index_cases_transfer_state", "transfer_state IN ('none', 'pending', 'sent')");
                    table.ForeignKey(
                        name: "fk_index_cases_counties_county_fips",
                        column: x => x.county_fips,
                        principalTable: "counties",
                        principalColumn: "fips",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_index_cases_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "lab_results",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    index_case_id = table.Column<long>(type: "bigint", nullable: false),
                    accession_number = table.Column<string>(type: "text", nullable: false),
                    external_id = table.Column<string>(type: "text", nullable: false),
                    case_id = table.Column<string>(type: "text", nullable: true),
                    properties = table.Column<string>(type: "jsonb", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false, defaultValue: 1),
                    changed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    created_by = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lab_results", x => x.id);
                    table.ForeignKey(
                        name: "fk_lab_results_index_cases_index_case_id",
                        column: x => x.index_case_id,
                        principalTable: "index_cases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_test_results_transform_ready",
                table: "test_results",
                column: "id",
                filter: "transformed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_index_cases_case_id",
                table: "index_cases",
                column: "case_id");

            migrationBuilder.CreateIndex(
                name: "ix_index_cases_county_fips",
                table: "index_cases",
                column: "county_fips");

            migrationBuilder.CreateIndex(
                name: "ix_index_cases_person_id_county_fips",
                table: "index_cases",
                columns: new[] { "person_id", "county_fips" });

            migrationBuilder.CreateIndex(
                name: "ix_lab_results_index_case_id_accession_number",
                table: "lab_results",
                columns: new[] { "index_case_id", "accession_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_merge_conflicts_subject_type_subject_id",
                table: "merge_conflicts",
                columns: new[] { "subject_type", "subject_id" });

            migrationBuilder.CreateIndex(
                name: "ix_merge_conflicts_test_result_id",
                table: "merge_conflicts",
                column: "test_result_id");

            migrationBuilder.CreateIndex(
                name: "ix_people_identity_key",
                table: "people",
                column: "identity_key",
                unique: true,
                filter: "identity_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_people_patient_keys",
                table: "people",
                column: "patient_keys")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_transform_outcomes_person_id",
                table: "transform_outcomes",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "ix_transform_outcomes_test_result_id",
                table: "transform_outcomes",
                column: "test_result_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lab_results");

            migrationBuilder.DropTable(
                name: "merge_conflicts");

            migrationBuilder.DropTable(
                name: "transform_outcomes");

            migrationBuilder.DropTable(
                name: "index_cases");

            migrationBuilder.DropTable(
                name: "counties");

            migrationBuilder.DropTable(
                name: "people");

            migrationBuilder.DropIndex(
                name: "ix_test_results_transform_ready",
                table: "test_results");

            migrationBuilder.DropColumn(
                name: "transformed_at",
                table: "test_results");

            migrationBuilder.DropColumn(
                name: "transformed_by",
                table: "test_results");
        }
    }
}
