using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class StagedRollouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "flag_rollouts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    flag_name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    stages = table.Column<List<string>>(type: "text[]", nullable: false),
                    stage_index = table.Column<int>(type: "integer", nullable: false),
                    stage_started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    current_percentage = table.Column<double>(type: "double precision", nullable: true),
                    halved = table.Column<bool>(type: "boolean", nullable: false),
                    min_samples = table.Column<int>(type: "integer", nullable: false),
                    min_dwell = table.Column<TimeSpan>(type: "interval", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    flag_version = table.Column<long>(type: "bigint", nullable: false),
                    started_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_decision = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    last_evaluated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_flag_rollouts", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_flag_rollouts_flag_name",
                table: "flag_rollouts",
                column: "flag_name",
                unique: true,
                filter: "status = 'running'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "flag_rollouts");
        }
    }
}
