module rsc.io/letsencrypt

go 1.21
