using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ExperimentsAndRolloutKinds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "kind",
                table: "flag_rollouts",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "equivalence");

            migrationBuilder.CreateTable(
                name: "experiments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    flag_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    dataset = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    questions = table.Column<string>(type: "jsonb", nullable: false),
                    variants = table.Column<List<string>>(type: "text[]", nullable: false),
                    treatment = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    control = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    total = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "experiment_answers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    experiment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    question_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    variant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    answer = table.Column<string>(type: "jsonb", nullable: true),
                    latency_ms = table.Column<long>(type: "bigint", nullable: true),
                    citation_quality = table.Column<double>(type: "double precision", nullable: true),
                    groundedness = table.Column<double>(type: "double precision", nullable: true),
                    answer_relevance = table.Column<double>(type: "double precision", nullable: true),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    collected_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_experiment_answers", x => x.id);
                    table.ForeignKey(
                        name: "fk_experiment_answers_experiment_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_answers_experiment_id_outcome",
                table: "experiment_answers",
                columns: new[] { "experiment_id", "outcome" });

            migrationBuilder.CreateIndex(
                name: "ix_experiment_answers_experiment_id_question_id_variant",
                table: "experiment_answers",
                columns: new[] { "experiment_id", "question_id", "variant" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_experiments_created_at",
                table: "experiments",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_experiments_flag_name_finished_at",
                table: "experiments",
                columns: new[] { "flag_name", "finished_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "experiment_answers");

            migrationBuilder.DropTable(
                name: "experiments");

            migrationBuilder.DropColumn(
                name: "kind",
                table: "flag_rollouts");
        }
    }
}
