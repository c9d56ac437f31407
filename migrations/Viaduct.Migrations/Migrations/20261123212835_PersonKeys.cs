using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Viaduct.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PersonKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_people_patient_keys",
                table: "people");

            migrationBuilder.CreateTable(
                name: "person_keys",
                columns: table => new
                {
                    patient_key = table.Column<string>(type: "text", nullable: false),
                    person_id = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_keys", x => x.patient_key);
                    table.ForeignKey(
                        name: "fk_person_keys_people_person_id",
                        column: x => x.person_id,
                        principalTable: "people",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_person_keys_person_id",
                table: "person_keys",
                column: "person_id");

            // People made before this table existed: each key to the lowest person holding it, as the matcher decides.
            migrationBuilder.Sql("""
                INSERT INTO person_keys (patient_key, person_id)
                SELECT DISTINCT ON (k) k, id FROM people, unnest(patient_keys) AS k ORDER BY k, id
                ON CONFLICT DO NOTHING
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "person_keys");

            migrationBuilder.CreateIndex(
                name: "ix_people_patient_keys",
                table: "people",
                column: "patient_keys")
                .Annotation("Npgsql:IndexMethod", "gin");
        }
    }
}
