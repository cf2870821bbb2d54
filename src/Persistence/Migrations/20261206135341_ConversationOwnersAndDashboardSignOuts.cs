using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ConversationOwnersAndDashboardSignOuts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "conversations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conversations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_sign_outs",
                columns: table => new
                {
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_sign_outs", x => x.session_id);
                });

            // Conversations started before owners were recorded belong to the user id their first request declared;
            // those whose starter declared none belong to no one a caller can be, so nobody can write into them.
            migrationBuilder.Sql("""
                INSERT INTO conversations (id, owner, created_at)
                SELECT DISTINCT ON (conversation_id) conversation_id,
                       CASE WHEN user_id IS NULL THEN 'unowned:archived' ELSE 'user:' || user_id END,
                       requested_at
                FROM chat_requests
                ORDER BY conversation_id, requested_at
                ON CONFLICT (id) DO NOTHING;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_sign_outs_expires_at",
                table: "dashboard_sign_outs",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "conversations");

            migrationBuilder.DropTable(
                name: "dashboard_sign_outs");
        }
    }
}
