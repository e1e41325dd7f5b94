#!/usr/bin/perl
# Harvests a whole OAI-PMH repository with ListRecords through
# HTTP::OAI::Harvester (Debian package libhttp-oai-perl), following
# resumption tokens, and prints one line per record:
#   identifier <TAB> "deleted" or "-" <TAB> datestamp
# Usage: harvest.pl BASE_URL METADATA_PREFIX
use strict;
use warnings;
use HTTP::OAI;

my ($base, $prefix) = @ARGV;
die "usage: harvest.pl BASE_URL METADATA_PREFIX\n" unless $base && $prefix;

my $harvester = HTTP::OAI::Harvester->new(baseURL => $base);
my $response = $harvester->ListRecords(
	metadataPrefix => $prefix,
	onRecord       => sub {
		my $header = shift->header;
		printf "%s\t%s\t%s\n", $header->identifier, ($header->is_deleted ? "deleted" : "-"), $header->datestamp;
	},
);
die "harvest failed: ", $response->code, " ", $response->message, "\n" if $response->is_error;
