using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class EmbeddingModelPerVector : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Cache entries written before this have no model and no scope: "" matches no lookup, and the next
            // re-embedding drops them.
            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                table: "semantic_cache",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "scope",
                table: "semantic_cache",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "");

            // Chunks stored before this were embedded by the built-in hashing generator (the only local one then);
            // with another model configured, the ingest verb re-embeds them.
            migrationBuilder.AddColumn<string>(
                name: "embedding_model",
                table: "chunks",
                type: "character varying(128)",
                maxLength: 128,
                nullable: false,
                defaultValue: "hashing-trigram-v1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "embedding_model",
                table: "semantic_cache");

            migrationBuilder.DropColumn(
                name: "scope",
                table: "semantic_cache");

            migrationBuilder.DropColumn(
                name: "embedding_model",
                table: "chunks");
        }
    }
}
