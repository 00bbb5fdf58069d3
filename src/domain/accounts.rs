//! Accounts the bot drives, Instagram and TikTok.

use std::marker::PhantomData;

use rusqlite::Connection;

use super::{columns, Platform};
use crate::base::error::Result;
use crate::db::layout::{FileSchema, Table};
use crate::query::args::Args;
use crate::query::Read;
use crate::rows::{write_row, write_rows, Out};

pub struct Accounts<P>(PhantomData<P>);

impl<P: Platform> Read for Accounts<P> {
    const NAME: &'static str = P::ACCOUNTS_FN;

    fn parse<A: Args>(_: &A) -> Result<Self> {
        Ok(Accounts(PhantomData))
    }

    const READS: &'static [Table] = &[P::ACCOUNTS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS a ORDER BY a.account_id",
                columns(file, P::ACCOUNTS, "a"),
                file.rel(P::ACCOUNTS)
            )
        });
        write_rows(conn, sql, [], out).map(drop)
    }
}

/// One account by id, or null: how an app tells an account that is gone from
/// an idle one (the per-account reads answer `[]` or zeros for both).
pub struct AccountById<P> {
    id: i64,
    platform: PhantomData<P>,
}

impl<P: Platform> Read for AccountById<P> {
    const NAME: &'static str = P::ACCOUNT_FN;

    fn parse<A: Args>(a: &A) -> Result<Self> {
        Ok(AccountById {
            id: a.id("accountId")?,
            platform: PhantomData,
        })
    }

    const READS: &'static [Table] = &[P::ACCOUNTS];

    fn run(&self, conn: &Connection, file: &FileSchema, out: &mut Out) -> rusqlite::Result<()> {
        let sql = super::sql((Self::NAME, 0), file, || {
            format!(
                "SELECT {} FROM {} AS a WHERE a.account_id = ?1",
                columns(file, P::ACCOUNTS, "a"),
                file.rel(P::ACCOUNTS)
            )
        });
        write_row(conn, sql, [self.id], out).map(drop)
    }
}
