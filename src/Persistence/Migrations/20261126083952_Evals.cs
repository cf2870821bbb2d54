using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Evals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "eval_results",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    question = table.Column<string>(type: "text", nullable: false),
                    pipeline = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    answer = table.Column<string>(type: "jsonb", nullable: false),
                    citation_quality = table.Column<double>(type: "double precision", nullable: false),
                    groundedness = table.Column<double>(type: "double precision", nullable: false),
                    answer_relevance = table.Column<double>(type: "double precision", nullable: false),
                    flagged = table.Column<bool>(type: "boolean", nullable: false),
                    evaluator_version = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    replay_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    review_verdict = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    review_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    reviewed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    reviewed_by = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_eval_results", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_eval_results_created_at",
                table: "eval_results",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_eval_results_flagged_created_at",
                table: "eval_results",
                columns: new[] { "flagged", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_eval_results_request_id_pipeline_reason",
                table: "eval_results",
                columns: new[] { "request_id", "pipeline", "reason" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "eval_results");
        }
    }
}
