"""Known-media matching: hash banks of known abuse and terror media (PDQ and MD5), imported from
hash lists, matched against the media of reported posts and channels."""
