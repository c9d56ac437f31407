using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Viaduct.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Operations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "replay_requested_at",
                table: "files",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "engine_hosts",
                columns: table => new
                {
                    engine = table.Column<string>(type: "text", nullable: false),
                    host = table.Column<string>(type: "text", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    seen_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false, defaultValueSql: "now()"),
                    items_processed = table.Column<long>(type: "bigint", nullable: false),
                    failures = table.Column<long>(type: "bigint", nullable: false),
                    items_per_minute = table.Column<double>(type: "double precision", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    last_error_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_engine_hosts", x => new { x.engine, x.host });
                });

            migrationBuilder.CreateIndex(
                name: "ix_files_replay_requested",
                table: "files",
                column: "replay_requested_at",
                filter: "replay_requested_at IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "engine_hosts");

            migrationBuilder.DropIndex(
                name: "ix_files_replay_requested",
                table: "files");

            migrationBuilder.DropColumn(
                name: "replay_requested_at",
                table: "files");
        }
    }
}
