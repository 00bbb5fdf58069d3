//! Accounts the bot drives, Instagram and TikTok.

use std::marker::PhantomData;

use napi::{Env, Unknown};
use rusqlite::Connection;

use super::{columns, Instagram, Platform};
use crate::api::Query;
use crate::error::Result;
use crate::layout::{FileSchema, Table};
use crate::rows::{write_rows, Out};

pub struct Accounts<P>(PhantomData<P>);

impl<P: Platform> Query for Accounts<P> {
    const NAME: &'static str = P::ACCOUNTS_FN;

    fn parse(_: &Env, _: &[Option<&Unknown<'_>>]) -> Result<Self> {
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

crate::read_api! {
    #[doc = "Every Instagram account in the file, by id."]
    Accounts<Instagram> => get_accounts, get_accounts_sync, "Account[]", "Promise<Account[]>", (), ();
}
