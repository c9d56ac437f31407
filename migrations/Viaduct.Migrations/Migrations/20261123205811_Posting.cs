using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Viaduct.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Posting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "posted_version",
                table: "lab_results",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "enqueued_at",
                table: "index_cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "enqueued_version",
                table: "index_cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "post_error",
                table: "index_cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "post_job_id",
                table: "index_cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "post_state",
                table: "index_cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "posted_at",
                table: "index_cases",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "posted_domain",
                table: "index_cases",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "posted_version",
                table: "index_cases",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "post_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    index_case_id = table.Column<long>(type: "bigint", nullable: false),
                    job_id = table.Column<string>(type: "text", nullable: true),
                    attempt = table.Column<int>(type: "integer", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    reason = table.Column<string>(type: "text", nullable: true),
                    domain = table.Column<string>(type: "text", nullable: true),
                    remote_case_id = table.Column<string>(type: "text", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: true),
                    engine = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    attempted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()")
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_post_attempts", x => x.id);
                    table.CheckConstraint("ck_post_attempts_outcome", "outcome IN ('succeeded', 'rerouted', 'failed', 'parked', 'discarded')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_index_cases_post_ready",
                table: "index_cases",
                column: "changed_at",
                filter: "postable AND version > enqueued_version AND (post_state IS NULL OR post_state = 'posted')");

            migrationBuilder.CreateIndex(
                name: "ix_index_cases_post_state",
                table: "index_cases",
                column: "post_state",
                filter: "post_state IN ('enqueued', 'parked', 'failed')");

            migrationBuilder.AddCheckConstraint(
                name: "ck_index_cases_post_state",
                table: "index_cases",
                sql: "post_state IN ('enqueued', 'posted', 'parked', 'failed')");

            migrationBuilder.CreateIndex(
                name: "ix_post_attempts_index_case_id",
                table: "post_attempts",
                column: "index_case_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "post_attempts");

            migrationBuilder.DropIndex(
                name: "ix_index_cases_post_ready",
                table: "index_cases");

            migrationBuilder.DropIndex(
                name: "ix_index_cases_post_state",
                table: "index_cases");

            migrationBuilder.DropCheckConstraint(
                name: "ck_index_cases_post_state",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "posted_version",
                table: "lab_results");

            migrationBuilder.DropColumn(
                name: "enqueued_at",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "enqueued_version",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "post_error",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "post_job_id",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "post_state",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "posted_at",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "posted_domain",
                table: "index_cases");

            migrationBuilder.DropColumn(
                name: "posted_version",
                table: "index_cases");
        }
    }
}
